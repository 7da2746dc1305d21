/**
 * The rate limits as a client meets them: a real call's burst passes untouched; a flood is told
 * RATE_LIMITED once and then closed with 1008, while the other peer loses nothing; an address
 * can hold only so many sockets and create only so many rooms a minute.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_POLICY_VIOLATION } from '../../src/shared/limits.js';
import { createRoomStore } from '../../src/server/roomStoreFactory.js';
import { MAX_STRIKES } from '../../src/server/frameLimiter.js';
import { closeAll, pair, silentLog, startServer, upgrade } from './helpers.js';

afterEach(closeAll);

const offer = (n: number) => ({ type: 'offer', sdp: `v=0\r\ns=offer-${n}\r\n` }) as const;
const answer = (n: number) => ({ type: 'answer', sdp: `v=0\r\ns=answer-${n}\r\n` }) as const;
const candidate = (n: number) => ({ candidate: `candidate:${n} 1 udp 2122260223 192.0.2.1 ${40_000 + n} typ host`, sdpMid: '0', sdpMLineIndex: 0 });
const candidateNumber = (content: unknown) => Number(/^candidate:(\d+) /.exec((content as { candidate?: string } | null)?.candidate ?? '')?.[1]);

describe('per-socket frame limit, with the default limits', () => {
  it('lets a real call set-up through untouched: offer, 30 candidates, end, and a renegotiation', async () => {
    const server = await startServer();
    const { a, b, idA, idB } = await pair(server);
    const fromA = [
      { message_type: 'SDP', content: offer(1), to: idB },
      ...Array.from({ length: 30 }, (_, n) => ({ message_type: 'CANDIDATE', content: candidate(n), to: idB })),
      { message_type: 'CANDIDATE', content: null, to: idB },
      // Renegotiation (a camera switched on), with its own candidates.
      { message_type: 'SDP', content: offer(2), to: idB },
      ...Array.from({ length: 10 }, (_, n) => ({ message_type: 'CANDIDATE', content: candidate(100 + n), to: idB })),
    ];
    const fromB = [
      { message_type: 'SDP', content: answer(1), to: idA },
      ...Array.from({ length: 30 }, (_, n) => ({ message_type: 'CANDIDATE', content: candidate(n), to: idA })),
      { message_type: 'CANDIDATE', content: null, to: idA },
      { message_type: 'SDP', content: answer(2), to: idA },
    ];

    for (const message of fromA) a.send(message);
    for (const message of fromB) b.send(message);
    await Promise.all([a.roundTrip(), b.roundTrip()]);
    await Promise.all([a.roundTrip(), b.roundTrip()]);

    const relayed = (client: typeof a) => client.received.filter((m) => m.message_type === 'SDP' || m.message_type === 'CANDIDATE');
    expect(relayed(b).map(({ content }) => content)).toEqual(fromA.map(({ content }) => content));
    expect(relayed(a).map(({ content }) => content)).toEqual(fromB.map(({ content }) => content));
    expect([...a.all('ERROR'), ...b.all('ERROR')]).toEqual([]);
  });

  it('answers a flood with one RATE_LIMITED, closes it with 1008, and the other peer loses nothing', async () => {
    const server = await startServer({ resumeGraceMs: 60_000 });
    const { a, b, idA, idB } = await pair(server);
    const tokenA = a.received[0]?.message_type === 'WELCOME' ? a.received[0].content.resume : '';
    const flood = 500;
    const fromB = 40;

    // B's messages to A go out while A floods the server; some reach A's socket before it is
    // closed, the rest wait for A's resume. Together they must be all of them, in order.
    for (let n = 0; n < flood; n += 1) {
      a.send({ message_type: 'CANDIDATE', content: candidate(n), to: idB });
      if (n % 12 === 0 && n / 12 < fromB) b.send({ message_type: 'CANDIDATE', content: candidate(n / 12), to: idA });
    }

    expect(await a.closed).toEqual({ code: CLOSE_POLICY_VIOLATION, reason: 'Too many messages; slow down' });
    const limited = a.all('ERROR');
    expect(limited).toHaveLength(1);
    expect(limited[0]?.content.code).toBe('RATE_LIMITED');
    expect(limited[0]?.content.message).toMatch(/slow down/i);

    // What got through before the limit reached B whole and in order, and nothing else did.
    await b.roundTrip();
    const atB = b.all('CANDIDATE').map(({ content }) => candidateNumber(content));
    expect(atB.length).toBeGreaterThanOrEqual(59);
    expect(atB.length).toBeLessThan(70);
    expect(atB).toEqual(atB.map((_, n) => n));
    expect([...b.all('ERROR'), ...b.all('PEER_LEFT')]).toEqual([]);

    // B's side: every message it sent A arrives, once, in order, across A's resume.
    await server.openSockets(1);
    const a2 = await server.connect();
    expect((await a2.join('room-1', 'Ann', tokenA)).content.peer_id).toBe(idA);
    await a2.roundTrip();
    const atA = [...a.all('CANDIDATE'), ...a2.all('CANDIDATE')].map(({ content }) => candidateNumber(content));
    expect(atA).toEqual(Array.from({ length: fromB }, (_, n) => n));
  });
});

describe('per-socket frame limit, with small limits', () => {
  it('counts every frame, bad or binary too, and refills over time', async () => {
    const server = await startServer({ rateLimitBurst: 5, rateLimitPerSecond: 10 });
    const a = await server.connect();

    a.ws.send('not json');
    a.ws.send(Buffer.from('binary'), { binary: true });
    a.send({ message_type: 'LEAVE' });
    a.send({ message_type: 'HELLO' });
    a.send({ message_type: 'JOIN', content: { room: 'room-1' } });
    a.send({ message_type: 'JOIN', content: { room: 'room-2' } });
    await a.roundTrip();

    expect(a.received.map((m) => (m.message_type === 'ERROR' ? m.content.code : m.message_type))).toEqual([
      'BAD_JSON',
      'BAD_MESSAGE',
      'NOT_JOINED',
      'BAD_MESSAGE',
      'WELCOME',
      'RATE_LIMITED',
    ]);
    // 10 a second: after 300 ms there is room again, and the socket is still open.
    await new Promise((resolve) => setTimeout(resolve, 300));
    a.send({ message_type: 'JOIN', content: { room: 'room-2' } });
    await a.roundTrip();
    expect(a.received.at(-1)).toMatchObject({ message_type: 'ERROR', content: { code: 'ALREADY_JOINED' } });
  });

  it(`closes with 1008 after ${MAX_STRIKES} dropped frames, having answered only the first`, async () => {
    const server = await startServer({ rateLimitBurst: 5, rateLimitPerSecond: 1 });
    const a = await server.connect();

    for (let n = 0; n < 5 + MAX_STRIKES + 50; n += 1) a.ws.send('x');

    expect((await a.closed).code).toBe(CLOSE_POLICY_VIOLATION);
    expect(a.all('ERROR').map((e) => e.content.code)).toEqual([...Array(5).fill('BAD_JSON'), 'RATE_LIMITED']);
  });
});

describe('sockets per address', () => {
  it('refuses the upgrade beyond the limit with HTTP 429 and a JSON sentence, and admits again once one closes', async () => {
    const server = await startServer({ maxSocketsPerIp: 3 });
    const open = [await server.connect(), await server.connect(), await server.connect()];

    const refused = await upgrade(server.url);

    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(refused.body?.message).toMatch(/3 signaling sockets open.*close another call tab.*try again/);
    open[0]?.ws.close();
    // The place is given back on the TCP close, in the same event in which ws lets the socket go.
    await server.openSockets(2);
    expect((await upgrade(server.url)).status).toBe(101);
    expect((await upgrade(server.url)).status).toBe(429);
  });
});

describe('behind a reverse proxy', () => {
  it('counts each client by the address the trusted proxy forwards, not the proxy’s own', async () => {
    const server = await startServer({ maxSocketsPerIp: 1, trustProxy: '127.0.0.1' });
    const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
    expect((await upgrade(server.url, from('198.51.100.7'))).status).toBe(101);
    expect((await upgrade(server.url, from('198.51.100.8'))).status).toBe(101);
    expect((await upgrade(server.url, from('198.51.100.7'))).status).toBe(429);
  });

  it('ignores X-Forwarded-For unless told to trust the proxy', async () => {
    const server = await startServer({ maxSocketsPerIp: 1 });
    expect((await upgrade(server.url, { headers: { 'x-forwarded-for': '198.51.100.7' } })).status).toBe(101);
    expect((await upgrade(server.url, { headers: { 'x-forwarded-for': '198.51.100.8' } })).status).toBe(429);
  });
});

describe('new rooms per address', () => {
  it('refuses a JOIN that would create one room too many with RATE_LIMITED, and it takes no seat', async () => {
    const rooms = await createRoomStore({}, silentLog);
    const server = await startServer({ maxNewRoomsPerIp: 3, rooms });
    const clients = await Promise.all([1, 2, 3, 4].map(() => server.connect()));
    for (const [n, client] of clients.slice(0, 3).entries()) await client.join(`room-${n}`);
    const fourth = clients[3]!;

    fourth.send({ message_type: 'JOIN', content: { room: 'room-new' } });

    const error = await fourth.next('ERROR');
    expect(error.content.code).toBe('RATE_LIMITED');
    expect(error.content.message).toMatch(/new rooms.*wait a minute/);
    expect(await rooms.counts()).toEqual({ rooms: 3, peers: 3 });
    expect(await rooms.has('room-new')).toBe(false);
    // Joining a room that exists creates nothing, so it is still allowed.
    expect((await fourth.join('room-0')).content.peers).toHaveLength(1);
  });
});
