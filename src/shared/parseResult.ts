import type { ErrorCode } from './errorCodes.js';

/** Parsing never throws: a frame is either a message or a coded, human-readable rejection. */
export type ParseResult<T> =
  | { ok: true; message: T }
  | { ok: false; code: Extract<ErrorCode, 'BAD_JSON' | 'BAD_MESSAGE'>; reason: string };

export function parseJsonObject(
  raw: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; code: 'BAD_JSON' | 'BAD_MESSAGE'; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return {
      ok: false,
      code: 'BAD_JSON',
      reason: 'The frame is not valid JSON; send one JSON object per text frame.',
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      code: 'BAD_MESSAGE',
      reason:
        'A message must be a JSON object like {"message_type": "JOIN", "content": {"room": "my-room"}}.',
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
