/**
 * The one gate every client frame passes: a message of the contract, or a coded rejection whose
 * reason names the field at fault (that sentence is what the sender reads in ERROR).
 */
import { describe, expect, it } from 'vitest';
import { MAX_SDP_CHARS } from '../../src/shared/limits.js';
import { parseClientMessage } from '../../src/shared/parseClientMessage.js';
import { parseServerMessage } from '../../src/shared/parseServerMessage.js';

const parse = (message: unknown) => parseClientMessage(JSON.stringify(message));

describe('parseClientMessage: valid messages', () => {
  it('parses JOIN with a room, and with a name and resume token', () => {
    expect(parse({ message_type: 'JOIN', content: { room: 'my-room_1' } })).toEqual({
      ok: true,
      message: { message_type: 'JOIN', content: { room: 'my-room_1' } },
    });
    expect(parse({ message_type: 'JOIN', content: { room: 'r', name: 'Ann', resume: 'token' } })).toEqual({
      ok: true,
      message: { message_type: 'JOIN', content: { room: 'r', name: 'Ann', resume: 'token' } },
    });
  });

  it('trims the name', () => {
    expect(parse({ message_type: 'JOIN', content: { room: 'r', name: '  Ann Lee \t' } })).toEqual({
      ok: true,
      message: { message_type: 'JOIN', content: { room: 'r', name: 'Ann Lee' } },
    });
  });

  it('parses SDP, with and without `to`, up to the length limit', () => {
    const sdp = 'v'.repeat(MAX_SDP_CHARS);
    expect(parse({ message_type: 'SDP', content: { type: 'offer', sdp }, to: 'peer-1' })).toEqual({
      ok: true,
      message: { message_type: 'SDP', content: { type: 'offer', sdp }, to: 'peer-1' },
    });
    expect(parse({ message_type: 'SDP', content: { type: 'answer', sdp: '' } })).toEqual({
      ok: true,
      message: { message_type: 'SDP', content: { type: 'answer', sdp: '' } },
    });
  });

  it('parses CANDIDATE with a candidate object, an empty one, and null (end of candidates)', () => {
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null };
    expect(parse({ message_type: 'CANDIDATE', content: candidate, to: 'p' })).toEqual({
      ok: true,
      message: { message_type: 'CANDIDATE', content: candidate, to: 'p' },
    });
    expect(parse({ message_type: 'CANDIDATE', content: {} })).toEqual({
      ok: true,
      message: { message_type: 'CANDIDATE', content: {} },
    });
    expect(parse({ message_type: 'CANDIDATE', content: null })).toEqual({
      ok: true,
      message: { message_type: 'CANDIDATE', content: null },
    });
  });

  it('parses LEAVE, whatever content it carries', () => {
    expect(parse({ message_type: 'LEAVE' })).toEqual({ ok: true, message: { message_type: 'LEAVE' } });
    expect(parse({ message_type: 'LEAVE', content: 'bye' })).toEqual({ ok: true, message: { message_type: 'LEAVE' } });
  });

  it('drops unknown fields, and a client-supplied `from`, at every level', () => {
    const parsed = parse({
      message_type: 'SDP',
      content: { type: 'offer', sdp: 'v=0', extra: true },
      to: 'p',
      from: 'impostor',
      priority: 'high',
    });
    expect(parsed).toEqual({ ok: true, message: { message_type: 'SDP', content: { type: 'offer', sdp: 'v=0' }, to: 'p' } });
    expect(parse({ message_type: 'CANDIDATE', content: { candidate: 'c', secret: 1 } })).toEqual({
      ok: true,
      message: { message_type: 'CANDIDATE', content: { candidate: 'c' } },
    });
    expect(parse({ message_type: 'JOIN', content: { room: 'r', admin: true }, x: 1 })).toEqual({
      ok: true,
      message: { message_type: 'JOIN', content: { room: 'r' } },
    });
  });
});

describe('parseClientMessage: rejections', () => {
  it.each(['', 'not json', '{"message_type": "JOIN"', "{'single': 'quotes'}"])('answers %j with BAD_JSON', (raw) => {
    expect(parseClientMessage(raw)).toMatchObject({ ok: false, code: 'BAD_JSON' });
  });

  it.each(['null', '42', '"JOIN"', '[{"message_type": "LEAVE"}]'])('answers %s (not an object) with BAD_MESSAGE', (raw) => {
    expect(parseClientMessage(raw)).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
  });

  const longSdp = 'v'.repeat(MAX_SDP_CHARS + 1);
  it.each([
    ['no message_type', { content: { room: 'r' } }, 'message_type'],
    ['an unknown message_type', { message_type: 'HELLO' }, 'message_type'],
    ['a server-only message_type', { message_type: 'WELCOME', content: {} }, 'message_type'],
    ['JOIN without content', { message_type: 'JOIN' }, 'content'],
    ['JOIN without a room', { message_type: 'JOIN', content: { name: 'Ann' } }, 'content.room'],
    ['JOIN with a space in the room', { message_type: 'JOIN', content: { room: 'my room' } }, 'content.room'],
    ['JOIN with an empty room', { message_type: 'JOIN', content: { room: '' } }, 'content.room'],
    ['JOIN with a 65-char room', { message_type: 'JOIN', content: { room: 'r'.repeat(65) } }, 'content.room'],
    ['JOIN with a name of only spaces', { message_type: 'JOIN', content: { room: 'r', name: '   ' } }, 'content.name'],
    ['JOIN with a 65-char name', { message_type: 'JOIN', content: { room: 'r', name: 'n'.repeat(65) } }, 'content.name'],
    ['JOIN with a numeric name', { message_type: 'JOIN', content: { room: 'r', name: 7 } }, 'content.name'],
    ['SDP whose sdp is not a string', { message_type: 'SDP', content: { type: 'offer', sdp: 1 } }, 'content.sdp'],
    ['SDP whose sdp is too long', { message_type: 'SDP', content: { type: 'offer', sdp: longSdp } }, 'content.sdp'],
    ['SDP without sdp', { message_type: 'SDP', content: { type: 'offer' } }, 'content.sdp'],
    ['SDP of type "pranswer"', { message_type: 'SDP', content: { type: 'pranswer', sdp: '' } }, 'content.type'],
    ['SDP without content', { message_type: 'SDP' }, 'content'],
    ['SDP whose `to` is a number', { message_type: 'SDP', content: { type: 'offer', sdp: '' }, to: 5 }, 'to'],
    ['SDP whose `to` is empty', { message_type: 'SDP', content: { type: 'offer', sdp: '' }, to: '' }, 'to'],
    ['CANDIDATE whose `to` is null', { message_type: 'CANDIDATE', content: null, to: null }, 'to'],
    ['CANDIDATE that is a string', { message_type: 'CANDIDATE', content: 'candidate:1' }, 'content'],
    ['CANDIDATE without content', { message_type: 'CANDIDATE' }, 'content'],
    ['CANDIDATE whose candidate is a number', { message_type: 'CANDIDATE', content: { candidate: 1 } }, 'content.candidate'],
    ['CANDIDATE whose sdpMid is a number', { message_type: 'CANDIDATE', content: { sdpMid: 0 } }, 'content.sdpMid'],
    ['CANDIDATE whose sdpMLineIndex is negative', { message_type: 'CANDIDATE', content: { sdpMLineIndex: -1 } }, 'content.sdpMLineIndex'],
    ['CANDIDATE whose sdpMLineIndex is a fraction', { message_type: 'CANDIDATE', content: { sdpMLineIndex: 0.5 } }, 'content.sdpMLineIndex'],
    ['CANDIDATE whose usernameFragment is a number', { message_type: 'CANDIDATE', content: { usernameFragment: 1 } }, 'content.usernameFragment'],
  ])('answers %s with BAD_MESSAGE naming the field', (_, message, field) => {
    const parsed = parse(message);
    expect(parsed).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    if (parsed.ok) return;
    expect(parsed.reason).toContain(`Field "${field}"`);
  });

  it('says what arrived without echoing a huge value back', () => {
    const parsed = parse({ message_type: 'SDP', content: { type: 'offer', sdp: 'v'.repeat(MAX_SDP_CHARS + 1) } });
    if (parsed.ok) throw new Error('an over-long sdp must be rejected');
    expect(parsed.reason).toContain('60,000');
    expect(parsed.reason.length).toBeLessThan(200);
  });
});

describe('parseServerMessage', () => {
  const parseServer = (message: unknown) => parseServerMessage(JSON.stringify(message));

  it('accepts messages of the contract', () => {
    const welcome = {
      message_type: 'WELCOME',
      content: { peer_id: 'p1', room: 'r', peers: [{ peer_id: 'p0', name: 'Ann' }], ice_servers: [{ urls: 'stun:s' }], resume: 't' },
    };
    expect(parseServer(welcome)).toEqual({ ok: true, message: welcome });
    const candidate = { message_type: 'CANDIDATE', content: null, from: 'p0' };
    expect(parseServer(candidate)).toEqual({ ok: true, message: candidate });
    const error = { message_type: 'ERROR', content: { code: 'ROOM_FULL', message: 'Room "r" is full.' } };
    expect(parseServer(error)).toEqual({ ok: true, message: error });
  });

  it.each([
    ['a WELCOME without ice_servers', { message_type: 'WELCOME', content: { peer_id: 'p', room: 'r', peers: [], resume: 't' } }],
    ['an SDP without from', { message_type: 'SDP', content: { type: 'offer', sdp: '' } }],
    ['an ERROR with an unknown code', { message_type: 'ERROR', content: { code: 'OOPS', message: '' } }],
    ['a client-only message_type', { message_type: 'JOIN', content: { room: 'r' } }],
    ['no message_type', { content: {} }],
  ])('rejects %s with BAD_MESSAGE', (_, message) => {
    expect(parseServer(message)).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
  });

  it('rejects a frame that is not JSON with BAD_JSON', () => {
    expect(parseServerMessage('<html>')).toMatchObject({ ok: false, code: 'BAD_JSON' });
  });
});
