/**
 * Several signaling nodes sharing rooms through a real Redis: people on different nodes call
 * each other exactly as on one node; a seat dropped on one node is resumed on another; a node
 * killed with SIGKILL leaves its people's seats held for them to resume elsewhere; a node whose
 * Redis goes away says so and refuses new calls, and recovers by itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/messages.js';
import { closeAll, connect, pair, startServer, waitUntil, type TestServer } from './helpers.js';
import { startNodeProcess, type NodeProcess } from './support/nodeProcess.js';
import { startRedis, type RedisServer } from './support/redisServer.js';

let redis: RedisServer;
const processes: NodeProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
}, 15_000);
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await closeAll();
  await Promise.all(processes.splice(0).map((node) => node.stop('SIGKILL')));
});

const LONG_GRACE_MS = 60_000;
const offer = { type: 'offer', sdp: 'v=0\r\ns=offer\r\n' } as const;
const answer = { type: 'answer', sdp: 'v=0\r\ns=answer\r\n' } as const;
const candidate = (n: number) => ({ candidate: `candidate:${n} 1 udp 2122260223 127.0.0.1 ${50_000 + n} typ host`, sdpMid: '0', sdpMLineIndex: 0 });
const types = (messages: readonly ServerMessage[]) => messages.map((message) => message.message_type);
let rooms = 0;
/** A room name no other test uses: all tests share one Redis. */
const freshRoom = () => `room-${process.pid}-${(rooms += 1)}`;

async function twoNodes(options: Parameters<typeof startServer>[0] = {}): Promise<[TestServer, TestServer]> {
  const settings = { redisUrl: redis.url, resumeGraceMs: LONG_GRACE_MS, ...options };
  return [await startServer(settings), await startServer(settings)];
}

/** A on node 1, B on node 2, in one room, B's arrival already seen by A. */
async function splitPair(n1: TestServer, n2: TestServer, room = freshRoom()) {
  const a = await n1.connect();
  const b = await n2.connect();
  const welcomeA = await a.join(room, 'Ann');
  const welcomeB = await b.join(room, 'Bob');
  await a.next('PEER_JOINED');
  return { a, b, room, idA: welcomeA.content.peer_id, idB: welcomeB.content.peer_id, tokenA: welcomeA.content.resume };
}

describe('two nodes through Redis', () => {
  it('lets two people on different nodes set up a call and hang up, as on one node', async () => {
    const [n1, n2] = await twoNodes();
    const a = await n1.connect();
    const b = await n2.connect();
    const room = freshRoom();
    const welcomeA = await a.join(room, 'Ann');
    const welcomeB = await b.join(room, 'Bob');
    const idA = welcomeA.content.peer_id;
    const idB = welcomeB.content.peer_id;

    expect(welcomeB.content.peers).toEqual([{ peer_id: idA, name: 'Ann' }]);
    expect((await a.next('PEER_JOINED')).content).toEqual({ peer_id: idB, name: 'Bob' });
    b.send({ message_type: 'SDP', content: offer, to: idA, from: 'forged' });
    expect(await a.next('SDP')).toEqual({ message_type: 'SDP', content: offer, from: idB });
    a.send({ message_type: 'SDP', content: answer });
    expect(await b.next('SDP')).toEqual({ message_type: 'SDP', content: answer, from: idA });
    for (let n = 0; n < 5; n += 1) a.send({ message_type: 'CANDIDATE', content: candidate(n), to: idB });
    a.send({ message_type: 'CANDIDATE', content: null, to: idB });
    for (let n = 0; n < 5; n += 1) expect((await b.next('CANDIDATE')).content).toEqual(candidate(n));
    expect((await b.next('CANDIDATE')).content).toBeNull();

    b.send({ message_type: 'LEAVE' });
    expect((await a.next('PEER_LEFT')).content).toEqual({ peer_id: idB });
    expect([...a.all('ERROR'), ...b.all('ERROR')]).toEqual([]);
  });

  it('holds the room capacity across nodes', async () => {
    const [n1, n2] = await twoNodes();
    const { room } = await splitPair(n1, n2);

    for (const node of [n1, n2]) {
      const third = await node.connect();
      third.send({ message_type: 'JOIN', content: { room } });
      expect((await third.next('ERROR')).content.code).toBe('ROOM_FULL');
    }
  });

  it('never lets a message cross rooms, whichever node each peer is on', async () => {
    const [n1, n2] = await twoNodes();
    const one = await splitPair(n1, n2);
    const two = await splitPair(n2, n1);

    one.a.send({ message_type: 'SDP', content: offer, to: two.idA });
    const refused = await one.a.next('ERROR');
    expect(refused.content.code).toBe('UNKNOWN_PEER');
    one.a.send({ message_type: 'CANDIDATE', content: candidate(1) });
    expect((await one.b.next('CANDIDATE')).from).toBe(one.idA);

    await Promise.all([two.a.roundTrip(), two.b.roundTrip()]);
    expect([...types(two.a.received.slice(2)), ...types(two.b.received.slice(1))]).toEqual([]);
  });

  it('resumes a seat dropped on one node on the other, with the gap in order, and the other side sees nothing', async () => {
    const [n1, n2] = await twoNodes();
    const { a, b, room, idA, idB, tokenA } = await splitPair(n1, n2);
    const seenByB = b.received.length;

    a.ws.terminate();
    await n1.openSockets(0);
    b.send({ message_type: 'SDP', content: offer, to: idA });
    for (let n = 0; n < 4; n += 1) b.send({ message_type: 'CANDIDATE', content: candidate(n), to: idA });
    await b.roundTrip();
    const a2 = await n2.connect();
    const welcome = await a2.join(room, 'Ann', tokenA);
    await waitUntil(() => a2.received.length >= 6, 'the gap to arrive');

    expect(welcome.content.peer_id).toBe(idA);
    expect(welcome.content.peers).toEqual([{ peer_id: idB, name: 'Bob' }]);
    expect(a2.received.slice(1)).toEqual([
      { message_type: 'SDP', content: offer, from: idB },
      ...[0, 1, 2, 3].map((n) => ({ message_type: 'CANDIDATE', content: candidate(n), from: idB })),
    ]);
    a2.send({ message_type: 'CANDIDATE', content: candidate(9), to: idB });
    expect((await b.next('CANDIDATE')).content).toEqual(candidate(9));
    expect(b.received.slice(seenByB).filter((m) => m.message_type !== 'CANDIDATE')).toEqual([]);
  });

  it('closes the old socket with 4000 when its seat is resumed on the other node', async () => {
    const [n1, n2] = await twoNodes();
    const { a, room, idA, tokenA } = await splitPair(n1, n2);
    const tab = await n2.connect();

    expect((await tab.join(room, 'Ann', tokenA)).content.peer_id).toBe(idA);
    expect((await a.closed).code).toBe(4000);
  });
});

describe('a node killed with SIGKILL', () => {
  it('leaves its people seats that they resume on another node; the one who never comes back is seen to leave after the grace', async () => {
    const graceMs = 1_500;
    const killed = await startNodeProcess({ REDIS_URL: redis.url, RESUME_GRACE_MS: String(graceMs) });
    processes.push(killed);
    const [survivor] = [await startServer({ redisUrl: redis.url, resumeGraceMs: graceMs })];
    // Ann comes back; Cem, in another room, does not.
    const ann = await connect(killed.url);
    const bob = await survivor.connect();
    const cem = await connect(killed.url);
    const dan = await survivor.connect();
    const room = freshRoom();
    const other = freshRoom();
    const welcomeAnn = await ann.join(room, 'Ann');
    const idBob = (await bob.join(room, 'Bob')).content.peer_id;
    const idCem = (await cem.join(other, 'Cem')).content.peer_id;
    await dan.join(other, 'Dan');
    await ann.next('PEER_JOINED');

    await killed.stop('SIGKILL');
    const killedAt = Date.now();
    // Sent while Ann has no node at all: kept for her seat.
    bob.send({ message_type: 'SDP', content: offer, to: welcomeAnn.content.peer_id });
    bob.send({ message_type: 'CANDIDATE', content: candidate(1), to: welcomeAnn.content.peer_id });
    await bob.roundTrip();
    const annAgain = await survivor.connect();
    const welcome = await annAgain.join(room, 'Ann', welcomeAnn.content.resume);
    await waitUntil(() => annAgain.received.length >= 3, 'the messages of the gap');

    expect(welcome.content.peer_id).toBe(welcomeAnn.content.peer_id);
    expect(welcome.content.peers).toEqual([{ peer_id: idBob, name: 'Bob' }]);
    expect(types(annAgain.received)).toEqual(['WELCOME', 'SDP', 'CANDIDATE']);
    annAgain.send({ message_type: 'SDP', content: answer, to: idBob });
    expect((await bob.next('SDP')).content).toEqual(answer);

    // Cem's seat waits out the grace (once the dead node's lease is gone), then Dan is told.
    const left = await dan.next('PEER_LEFT', 15_000);
    expect(left.content).toEqual({ peer_id: idCem });
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(graceMs);
    await bob.roundTrip();
    expect(bob.all('PEER_LEFT')).toEqual([]);
  }, 30_000);
});

describe('a node whose Redis goes away', () => {
  it('says so in /healthz, refuses new calls with UNAVAILABLE, and recovers by itself with its calls intact', async () => {
    const own = await startRedis();
    try {
      const node = await startServer({ redisUrl: own.url, resumeGraceMs: LONG_GRACE_MS });
      const { a, b, idA, idB } = await pair(node);
      expect((await fetch(`${node.origin}/healthz`)).status).toBe(200);

      await own.pause();
      await waitUntilHealth(node, 503);
      const answer503 = (await (await fetch(`${node.origin}/healthz`)).json()) as { status: string; reason: string };
      expect(answer503.status).toBe('unavailable');
      expect(answer503.reason).toMatch(/Redis at 127\.0\.0\.1:\d+ is unreachable/);
      const newcomer = await node.connect();
      newcomer.send({ message_type: 'JOIN', content: { room: 'elsewhere' } });
      const refused = await newcomer.next('ERROR');
      expect(refused.content.code).toBe('UNAVAILABLE');
      expect(refused.content.message).toMatch(/cannot take calls just now .*JOIN again in a few seconds/);

      // Back, empty (no persistence): the node puts its people's seats back by itself.
      await own.resume();
      await waitUntilHealth(node, 200);
      expect((await newcomer.join('elsewhere')).content.peers).toEqual([]);
      a.send({ message_type: 'CANDIDATE', content: candidate(1), to: idB });
      expect((await b.next('CANDIDATE')).from).toBe(idA);
      await closeAll();
    } finally {
      await own.stop();
    }
  }, 30_000);
});

async function waitUntilHealth(node: TestServer, status: number) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const got = await fetch(`${node.origin}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, () => 0);
    if (got === status) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`/healthz did not answer ${status} within 15 s.`);
}


