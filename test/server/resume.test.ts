/**
 * Resume, as PROTOCOL.md has it: a socket that drops without LEAVE keeps its seat for a grace
 * period; a JOIN with its token gets the same peer_id back, the others notice nothing, and what
 * was sent to it meanwhile arrives in order after its WELCOME.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_REPLACED } from '../../src/shared/limits.js';
import type { ServerMessage } from '../../src/shared/messages.js';
import { createRoomStore } from '../../src/server/roomStoreFactory.js';
import { closeAll, closeApp, pair, silentLog, startServer, type TestClient, type TestServer } from './helpers.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await closeAll();
});

/** Long enough that no hold runs out during a test that is not about running out. */
const LONG_GRACE_MS = 60_000;

const offer = (n: number) => ({ type: 'offer', sdp: `v=0\r\ns=offer-${n}\r\n` }) as const;
const candidate = (n: number) => ({ candidate: `candidate:${n} 1 udp 2122260223 127.0.0.1 ${50_000 + n} typ host`, sdpMid: '0', sdpMLineIndex: 0 });
const types = (messages: readonly ServerMessage[]) => messages.map((message) => message.message_type);

/** Cuts the connection without LEAVE, and waits until the server has seen it go. */
async function drop(server: TestServer, client: TestClient, socketsLeft: number) {
  client.ws.terminate();
  await server.openSockets(socketsLeft);
}

/** A pair in which neither side has received anything yet that a test could mistake for news. */
async function quietPair(server: TestServer) {
  const p = await pair(server);
  const welcomeA = p.a.received[0];
  if (welcomeA?.message_type !== 'WELCOME') throw new Error('A was not welcomed first');
  return { ...p, tokenA: welcomeA.content.resume };
}

describe('resuming a dropped seat', () => {
  it('gives the same peer_id back, with the current peers and a new token, and the others see nothing', async () => {
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS });
    const { a, b, idA, idB, tokenA } = await quietPair(server);
    const before = b.received.length;

    await drop(server, a, 1);
    const a2 = await server.connect();
    const welcome = await a2.join('room-1', 'Ann', tokenA);

    expect(welcome.content.peer_id).toBe(idA);
    expect(welcome.content.peers).toEqual([{ peer_id: idB, name: 'Bob' }]);
    expect(welcome.content.resume).not.toBe(tokenA);
    expect(welcome.content.resume.length).toBeGreaterThanOrEqual(32);
    await b.roundTrip();
    expect(b.received.slice(before)).toEqual([]);
    // The seat is A's again in both directions.
    a2.send({ message_type: 'SDP', content: offer(1), to: idB });
    expect((await b.next('SDP')).from).toBe(idA);
    b.send({ message_type: 'CANDIDATE', content: candidate(1), to: idA });
    expect((await a2.next('CANDIDATE')).content).toEqual(candidate(1));
  });

  it('delivers what was sent to the peer during the gap, in order, right after its WELCOME', async () => {
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS });
    const { a, b, idA, idB, tokenA } = await quietPair(server);

    await drop(server, a, 1);
    b.send({ message_type: 'SDP', content: offer(1), to: idA });
    for (let n = 0; n < 5; n += 1) b.send({ message_type: 'CANDIDATE', content: candidate(n), to: idA });
    b.send({ message_type: 'CANDIDATE', content: null, to: idA });
    await b.roundTrip();
    const a2 = await server.connect();
    await a2.join('room-1', undefined, tokenA);
    await a2.roundTrip();

    expect(types(a2.received)).toEqual(['WELCOME', 'SDP', 'CANDIDATE', 'CANDIDATE', 'CANDIDATE', 'CANDIDATE', 'CANDIDATE', 'CANDIDATE']);
    expect(a2.received.slice(1)).toEqual([
      { message_type: 'SDP', content: offer(1), from: idB },
      ...[0, 1, 2, 3, 4].map((n) => ({ message_type: 'CANDIDATE', content: candidate(n), from: idB })),
      { message_type: 'CANDIDATE', content: null, from: idB },
    ]);
    // Nothing was bounced back to the sender while A was away.
    expect(b.all('ERROR')).toEqual([]);
  });

  it('rotates the token: the one used to resume stops working, the new one works', async () => {
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS, roomCapacity: 3 });
    const { a, b, idA, tokenA } = await quietPair(server);

    await drop(server, a, 1);
    const a2 = await server.connect();
    const tokenA2 = (await a2.join('room-1', undefined, tokenA)).content.resume;
    await drop(server, a2, 1);

    // The old token no longer names the seat: this JOIN is a newcomer's, whom B is told about.
    const stranger = await server.connect();
    const strangerWelcome = await stranger.join('room-1', 'Eve', tokenA);
    expect(strangerWelcome.content.peer_id).not.toBe(idA);
    expect((await b.next('PEER_JOINED')).content).toEqual({ peer_id: strangerWelcome.content.peer_id, name: 'Eve' });
    // The new one still gives A its seat.
    const a3 = await server.connect();
    expect((await a3.join('room-1', undefined, tokenA2)).content.peer_id).toBe(idA);
  });

  it('hands out a fresh token with every WELCOME, never the same twice', async () => {
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS, roomCapacity: 16 });
    const tokens = new Set<string>();
    for (let n = 0; n < 10; n += 1) {
      const client = await server.connect();
      tokens.add((await client.join('room-1')).content.resume);
    }
    expect(tokens.size).toBe(10);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
  });
});

describe('the end of the window', () => {
  it('tells the others PEER_LEFT when the window runs out, and the token then seats a newcomer', async () => {
    const graceMs = 200;
    const server = await startServer({ resumeGraceMs: graceMs });
    const { a, b, idA, tokenA } = await quietPair(server);

    const droppedAt = performance.now();
    await drop(server, a, 1);
    await b.roundTrip();
    expect(b.all('PEER_LEFT')).toEqual([]);

    expect((await b.next('PEER_LEFT')).content).toEqual({ peer_id: idA });
    // Timers may fire a millisecond early, never a window early.
    expect(performance.now() - droppedAt).toBeGreaterThanOrEqual(graceMs - 5);
    const late = await server.connect();
    const welcome = await late.join('room-1', 'Ann', tokenA);
    expect(welcome.content.peer_id).not.toBe(idA);
    expect((await b.next('PEER_JOINED')).content.peer_id).toBe(welcome.content.peer_id);
  });

  it('frees a held seat whose queue overflows (1,000 messages), rather than resume it with a hole', async () => {
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS, rateLimitBurst: 10_000, rateLimitPerSecond: 10_000 });
    const { a, b, idA, tokenA } = await quietPair(server);

    await drop(server, a, 1);
    for (let n = 0; n < 1_000; n += 1) b.send({ message_type: 'CANDIDATE', content: candidate(n), to: idA });
    await b.roundTrip();
    expect(b.all('PEER_LEFT')).toEqual([]);
    b.send({ message_type: 'CANDIDATE', content: candidate(1_000), to: idA });

    expect((await b.next('PEER_LEFT')).content).toEqual({ peer_id: idA });
    const a2 = await server.connect();
    expect((await a2.join('room-1', 'Ann', tokenA)).content.peer_id).not.toBe(idA);
  });

  it('frees the seat at once after LEAVE: PEER_LEFT without waiting, and the token is worthless', async () => {
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS });
    const { a, b, idA, tokenA } = await quietPair(server);

    a.send({ message_type: 'LEAVE' });

    expect((await b.next('PEER_LEFT')).content).toEqual({ peer_id: idA });
    const again = await a.join('room-1', 'Ann', tokenA);
    expect(again.content.peer_id).not.toBe(idA);
    expect((await b.next('PEER_JOINED')).content.peer_id).toBe(again.content.peer_id);
  });
});

describe('tokens that seat nobody', () => {
  const forged = () => randomBytes(24).toString('base64url');

  it('treats a forged token as a new JOIN: a new peer_id, and ROOM_FULL when the room is full', async () => {
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS });
    const { a, b, idA, idB } = await quietPair(server);

    const mallory = await server.connect();
    mallory.send({ message_type: 'JOIN', content: { room: 'room-1', resume: forged() } });
    expect((await mallory.next('ERROR')).content.code).toBe('ROOM_FULL');

    const elsewhere = await mallory.join('room-2', 'Mal', forged());
    expect([idA, idB]).not.toContain(elsewhere.content.peer_id);
    expect(elsewhere.content.peers).toEqual([]);
    await Promise.all([a.roundTrip(), b.roundTrip()]);
    expect([...a.all('PEER_JOINED'), ...b.all('PEER_JOINED'), ...a.all('PEER_LEFT'), ...b.all('PEER_LEFT')]).toHaveLength(1);
  });

  it('does not resume with a token of another room, and leaves that seat held', async () => {
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS });
    const { a, b, idA, tokenA } = await quietPair(server);

    await drop(server, a, 1);
    const a2 = await server.connect();
    const elsewhere = await a2.join('room-2', 'Ann', tokenA);

    expect(elsewhere.content.peer_id).not.toBe(idA);
    expect(elsewhere.content.room).toBe('room-2');
    // The seat in room-1 is untouched: B saw nothing, and the token still resumes it there.
    const a3 = await server.connect();
    expect((await a3.join('room-1', 'Ann', tokenA)).content.peer_id).toBe(idA);
    await b.roundTrip();
    expect([...b.all('PEER_LEFT'), ...b.all('PEER_JOINED')]).toEqual([]);
  });
});

describe('taking over a seat still attached to a socket', () => {
  it('moves the seat to the new socket and closes the old one with 4000, without PEER_LEFT', async () => {
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS });
    const { a, b, idA, idB, tokenA } = await quietPair(server);
    // A half-open connection: the server still thinks it open, the client has given up on it.
    a.ws.pause();

    const a2 = await server.connect();
    const welcome = await a2.join('room-1', 'Ann', tokenA);

    expect(welcome.content.peer_id).toBe(idA);
    expect(welcome.content.peers).toEqual([{ peer_id: idB, name: 'Bob' }]);
    a.ws.resume();
    expect(await a.closed).toEqual({ code: CLOSE_REPLACED, reason: 'Replaced by a resumed connection' });
    // Once the old socket is gone for the server too, the seat is still A's, on the new socket.
    await server.openSockets(2);
    b.send({ message_type: 'SDP', content: offer(2), to: idA });
    expect(await a2.next('SDP')).toEqual({ message_type: 'SDP', content: offer(2), from: idB });
    await b.roundTrip();
    expect([...b.all('PEER_LEFT'), ...b.all('PEER_JOINED')]).toEqual([]);
    expect(a.all('SDP')).toEqual([]);
  });
});

describe('shutdown', () => {
  it('stops the timers of held seats and frees them when the app closes', async () => {
    // A window no other timer in this process has, so its timers can be told apart.
    const graceMs = 73_123;
    const started: unknown[] = [];
    const cleared = new Set<unknown>();
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((...args: Parameters<typeof setTimeout>) => {
      const timer = realSetTimeout(...args);
      if (args[1] === graceMs) started.push(timer);
      return timer;
    }) as typeof setTimeout);
    const realClearTimeout = globalThis.clearTimeout;
    vi.spyOn(globalThis, 'clearTimeout').mockImplementation((timer) => {
      cleared.add(timer);
      realClearTimeout(timer);
    });
    const rooms = await createRoomStore({ resumeGraceMs: graceMs }, silentLog);
    const server = await startServer({ resumeGraceMs: graceMs, rooms });
    const clients = [await server.connect(), await server.connect(), await server.connect()];
    for (const [n, client] of clients.entries()) await client.join(`room-${n}`);
    for (const client of clients) client.ws.terminate();
    await server.openSockets(0);
    expect(started).toHaveLength(3);
    expect(await rooms.counts()).toEqual({ rooms: 3, peers: 3 });

    await closeApp(server.app);

    // A 73 s timer left running would keep the test process alive after the suite.
    expect(started.filter((timer) => !cleared.has(timer))).toEqual([]);
    expect(await rooms.counts()).toEqual({ rooms: 0, peers: 0 });
  });
});

describe('resuming over and over', () => {
  it('gives the same seat back every time and loses no message either way', async () => {
    const tries = 100;
    // B relays four messages a round, well over what one socket may send in a few seconds.
    const server = await startServer({ resumeGraceMs: LONG_GRACE_MS, rateLimitBurst: 10_000, rateLimitPerSecond: 10_000 });
    const { a, b, idA, idB, tokenA } = await quietPair(server);
    let current = a;
    let token = tokenA;
    let succeeded = 0;
    let sentToA = 0;
    let sentToB = 0;

    for (let n = 0; n < tries; n += 1) {
      // Every other time the old socket is still attached (a takeover), else it is gone (a hold).
      if (n % 2 === 0) await drop(server, current, 1);
      const gap = [0, 1, 2].map(() => candidate((sentToA += 1)));
      for (const content of gap) b.send({ message_type: 'CANDIDATE', content, to: idA });
      await b.roundTrip();
      const next = await server.connect();
      const welcome = await next.join('room-1', 'Ann', token);
      // After a takeover, what B sent went to the old socket before it was replaced.
      const viaOld = n % 2 === 0 ? [] : current.all('CANDIDATE').slice(-3);
      await next.roundTrip();
      const delivered = [...viaOld, ...next.all('CANDIDATE')].map((message) => message.content);
      next.send({ message_type: 'CANDIDATE', content: candidate((sentToB += 1)), to: idB });
      const back = await b.next('CANDIDATE');
      if (welcome.content.peer_id === idA && JSON.stringify(delivered) === JSON.stringify(gap) && back.content?.candidate === candidate(sentToB).candidate) {
        succeeded += 1;
      }
      current = next;
      token = welcome.content.resume;
    }

    console.log(`resume: ${succeeded}/${tries} succeeded`);
    expect(succeeded).toBe(tries);
    await b.roundTrip();
    expect([...b.all('PEER_LEFT'), ...b.all('PEER_JOINED'), ...b.all('ERROR')]).toEqual([]);
    expect(b.all('CANDIDATE').map((message) => message.content)).toEqual(Array.from({ length: tries }, (_, n) => candidate(n + 1)));
  });
});
