/**
 * Validates a frame from the server with a check compiled ahead of time (generated/), so a
 * browser page needs neither the schema library nor 'unsafe-eval' to run it.
 */
import { isServerMessage } from './generated/isServerMessage.js';
import type { ServerMessage } from './messages.js';
import { parseJsonObject, type ParseResult } from './parseResult.js';

export function parseServerMessage(raw: string): ParseResult<ServerMessage> {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return parsed;
  if (!isServerMessage(parsed.value)) {
    const type = parsed.value.message_type;
    return {
      ok: false,
      code: 'BAD_MESSAGE',
      reason: `The server sent a ${typeof type === 'string' ? `${type} message` : 'message'} that does not match PROTOCOL.md.`,
    };
  }
  return { ok: true, message: parsed.value };
}
