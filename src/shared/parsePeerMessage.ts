/** Validates a data-channel message from another person with a check compiled ahead of time (generated/). */
import { isPeerMessage } from './generated/isPeerMessage.js';
import type { PeerMessage } from './peerMessages.js';

export type PeerMessageResult = { ok: true; message: PeerMessage } | { ok: false; reason: string };

export function parsePeerMessage(raw: unknown): PeerMessageResult {
  if (typeof raw !== 'string') return { ok: false, reason: 'a binary message (only JSON text is expected)' };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'a message that is not JSON' };
  }
  if (!isPeerMessage(value)) {
    const type = typeof value === 'object' && value !== null && 'type' in value ? String(value.type).slice(0, 40) : null;
    return { ok: false, reason: type ? `a "${type}" message that does not match PROTOCOL.md` : 'a message without a known type' };
  }
  return { ok: true, message: value };
}
