import { describe, expect, it } from 'vitest';
import { parsePeerMessage } from '../../src/shared/parsePeerMessage.js';

describe('parsePeerMessage', () => {
  it('takes the media and chat messages of PROTOCOL.md', () => {
    const media = { type: 'media', audio: false, video: true, screen: false };
    expect(parsePeerMessage(JSON.stringify(media))).toEqual({ ok: true, message: media });
    const chat = { type: 'chat', id: 'm1', text: '<b>hi</b>', sent_at: 1796130000000 };
    expect(parsePeerMessage(JSON.stringify(chat))).toEqual({ ok: true, message: chat });
  });

  it('ignores unknown extra fields but keeps the message', () => {
    const result = parsePeerMessage(JSON.stringify({ type: 'media', audio: true, video: true, screen: true, extra: 1 }));
    expect(result.ok).toBe(true);
  });

  it('refuses, with a reason, what is not one of them', () => {
    const cases: [unknown, RegExp][] = [
      [new ArrayBuffer(2), /binary/],
      ['{not json', /not JSON/],
      [JSON.stringify({ type: 'wave' }), /"wave" message/],
      [JSON.stringify({ type: 'media', audio: 'yes', video: true, screen: false }), /"media" message/],
      [JSON.stringify({ type: 'chat', id: 'm1', text: '', sent_at: 1 }), /"chat" message/],
      [JSON.stringify({ type: 'chat', id: 'm1', text: 'x'.repeat(2_001), sent_at: 1 }), /"chat" message/],
      [JSON.stringify([1, 2]), /without a known type/],
    ];
    for (const [raw, reason] of cases) {
      const result = parsePeerMessage(raw);
      expect(result.ok, String(raw)).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(reason);
    }
  });
});
