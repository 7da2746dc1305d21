/**
 * Bad input as a client sees it: a typed ERROR that says what was wrong, on a socket that stays
 * open and a room that stays as it was. Only an oversized frame closes the socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_TOO_BIG, MAX_FRAME_BYTES } from '../../src/shared/limits.js';
import { closeAll, pair, startServer } from './helpers.js';

afterEach(closeAll);

const offer = { type: 'offer', sdp: 'v=0\r\n' } as const;

describe('before and after JOIN', () => {
  it.each([
    { message_type: 'SDP', content: offer, to: 'someone' },
    { message_type: 'CANDIDATE', content: null },
    { message_type: 'LEAVE' },
  ])('answers $message_type before JOIN with NOT_JOINED', async (message) => {
    const server = await startServer();
    const a = await server.connect();

    a.send(message);

    expect((await a.next('ERROR')).content.code).toBe('NOT_JOINED');
    expect((await a.join('room-1')).content.room).toBe('room-1');
  });

  it('answers a second JOIN with ALREADY_JOINED and leaves the room as it was', async () => {
    const server = await startServer();
    const { a, b, idA, idB } = await pair(server);

    a.send({ message_type: 'JOIN', content: { room: 'room-2' } });

    expect((await a.next('ERROR')).content.code).toBe('ALREADY_JOINED');
    await b.roundTrip();
    expect(b.all('PEER_LEFT')).toEqual([]);
    // Still in room-1: a relay to B works.
    a.send({ message_type: 'SDP', content: offer, to: idB });
    expect((await b.next('SDP')).from).toBe(idA);
  });
});

describe('malformed frames', () => {
  it('answers a frame that is not JSON with BAD_JSON and keeps the socket open', async () => {
    const server = await startServer();
    const a = await server.connect();

    a.ws.send('{"message_type": "JOIN", ');

    const error = await a.next('ERROR');
    expect(error.content.code).toBe('BAD_JSON');
    expect(error.content.message).not.toBe('');
    expect((await a.join('room-1')).content.room).toBe('room-1');
  });

  it.each([
    ['JOIN with a bad room name', { message_type: 'JOIN', content: { room: 'no spaces' } }, 'content.room'],
    ['JOIN with a name of only spaces', { message_type: 'JOIN', content: { room: 'r', name: '   ' } }, 'content.name'],
    ['JOIN without content', { message_type: 'JOIN' }, 'content'],
    ['an unknown message_type', { message_type: 'HELLO' }, 'message_type'],
    ['no message_type', { content: {} }, 'message_type'],
    ['SDP whose sdp is not a string', { message_type: 'SDP', content: { type: 'offer', sdp: 42 } }, 'content.sdp'],
    ['SDP whose `to` is not a string', { message_type: 'SDP', content: offer, to: 7 }, 'to'],
  ])('answers %s with BAD_MESSAGE naming the field, and the socket still works', async (_, message, field) => {
    const server = await startServer();
    const a = await server.connect();

    a.send(message);

    const error = await a.next('ERROR');
    expect(error.content.code).toBe('BAD_MESSAGE');
    expect(error.content.message).toContain(`Field "${field}"`);
    expect((await a.join('room-1')).content.room).toBe('room-1');
  });

  it('answers a JSON value that is not an object with BAD_MESSAGE', async () => {
    const server = await startServer();
    const a = await server.connect();

    a.ws.send('["JOIN"]');

    expect((await a.next('ERROR')).content.code).toBe('BAD_MESSAGE');
  });

  it('keeps a joined peer in its room after a bad frame', async () => {
    const server = await startServer();
    const { a, b, idA } = await pair(server);

    a.send({ message_type: 'SDP', content: { type: 'rollback', sdp: '' } });
    expect((await a.next('ERROR')).content.message).toContain('content.type');

    a.send({ message_type: 'SDP', content: offer });
    expect((await b.next('SDP')).from).toBe(idA);
    expect(b.all('PEER_LEFT')).toEqual([]);
  });

  it('answers a binary frame with BAD_MESSAGE and keeps the socket open', async () => {
    const server = await startServer();
    const a = await server.connect();

    a.ws.send(Buffer.from(JSON.stringify({ message_type: 'JOIN', content: { room: 'room-1' } })), { binary: true });

    expect((await a.next('ERROR')).content.code).toBe('BAD_MESSAGE');
    expect((await a.join('room-1')).content.room).toBe('room-1');
  });
});

describe('frame size', () => {
  it('accepts a frame of exactly 64 KiB (here answered as bad JSON)', async () => {
    const server = await startServer();
    const a = await server.connect();

    a.ws.send('x'.repeat(MAX_FRAME_BYTES));

    expect((await a.next('ERROR')).content.code).toBe('BAD_JSON');
  });

  it('closes the socket with 1009 on a larger frame, and the other peer is told once the resume window has passed', async () => {
    const server = await startServer({ resumeGraceMs: 100 });
    const { a, b, idA } = await pair(server);

    a.send({ message_type: 'SDP', content: { type: 'offer', sdp: 'x'.repeat(MAX_FRAME_BYTES) } });

    expect((await a.closed).code).toBe(CLOSE_TOO_BIG);
    expect((await b.next('PEER_LEFT')).content).toEqual({ peer_id: idA });
  });
});
