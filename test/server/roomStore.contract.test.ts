/**
 * One contract, two room stores: in memory and in a real Redis. Each case asks for "nodes":
 * for the memory store every node is the same store (one process); for Redis each node is a
 * store of its own on one Redis, as two server processes would have. So the same cases prove
 * the Redis store across nodes and the memory store in its single process.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/messages.js';
import { createMemoryRoomStore } from '../../src/server/memoryRoomStore.js';
import { createRedisRoomStore } from '../../src/server/redisRoomStore.js';
import type { Occupant, RoomStore, Seated, StoreEvents } from '../../src/server/roomStore.js';
import { silentLog, waitUntil } from './helpers.js';
import { startRedis, type RedisServer } from './support/redisServer.js';

interface Settings {
  capacity?: number;
  graceMs?: number;
  maxQueued?: number;
}

interface Kind {
  name: string;
  setUp?(): Promise<void>;
  tearDown?(): Promise<void>;
  /** `count` nodes of one deployment, and how many seats expired on them. */
  nodes(count: number, settings: Settings): Promise<{ nodes: RoomStore[]; expired: () => number }>;
}

let tokens = 0;
const newToken = () => `token-${(tokens += 1)}-${randomBytes(6).toString('base64url')}`;
const opened: RoomStore[] = [];

function counting() {
  let expired = 0;
  const events: StoreEvents = { seatsExpired: (n) => (expired += n) };
  return { events, expired: () => expired };
}

const memory: Kind = {
  name: 'memory',
  async nodes(count, settings) {
    const { events, expired } = counting();
    const store = createMemoryRoomStore({ capacity: settings.capacity ?? 2, graceMs: settings.graceMs ?? 60_000, maxQueued: settings.maxQueued ?? 100, maxQueuedChars: 100_000, newToken, events });
    opened.push(store);
    return { nodes: Array.from({ length: count }, () => store), expired };
  },
};

let redis: RedisServer | undefined;
const redisKind: Kind = {
  name: 'redis',
  async setUp() {
    redis = await startRedis();
  },
  async tearDown() {
    await redis?.stop();
  },
  async nodes(count, settings) {
    const { events, expired } = counting();
    // A prefix of its own per case: cases never see each other's rooms.
    const keyPrefix = `contract-${randomBytes(6).toString('hex')}:`;
    const nodes = Array.from({ length: count }, () =>
      createRedisRoomStore({
        url: redis!.url,
        capacity: settings.capacity ?? 2,
        graceMs: settings.graceMs ?? 60_000,
        maxQueued: settings.maxQueued ?? 100,
        maxQueuedChars: 100_000,
        newToken,
        log: silentLog,
        events,
        keyPrefix,
      }),
    );
    opened.push(...nodes);
    for (const node of nodes) expect(await node.connected(5_000)).toBe(true);
    return { nodes, expired };
  },
};

/** A connection that records what it got, can be made to fail, and counts its evictions. */
function person() {
  const got: ServerMessage[] = [];
  const p = {
    got,
    open: true,
    evicted: 0,
    occupant: {
      send(message: ServerMessage) {
        if (!p.open) return false;
        got.push(message);
        return true;
      },
      sendText(json: string) {
        if (!p.open) return false;
        got.push(JSON.parse(json) as ServerMessage);
        return true;
      },
      evict() {
        p.evicted += 1;
      },
    } satisfies Occupant,
    /** Waits until `count` messages have arrived in all. */
    has: (count: number) => waitUntil(() => got.length >= count, `${count} messages (got ${JSON.stringify(got)})`),
    types: () => got.map((m) => m.message_type),
  };
  return p;
}

const candidate = (n: number, from: string): ServerMessage => ({ message_type: 'CANDIDATE', content: { candidate: `candidate:${n}` }, from });

async function seat(store: RoomStore, room: string, peerId: string, who = person()) {
  const outcome = await store.join({ room, peerId, name: peerId.toUpperCase() }, who.occupant);
  if (!outcome.ok) throw new Error(`${peerId} was not seated: ${outcome.reason}`);
  outcome.start();
  return { who, seated: outcome as Seated };
}

/** Long enough that every message sent before has been handed over, on any store. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

for (const kind of [memory, redisKind]) {
  describe(`room store contract: ${kind.name}`, () => {
    beforeAll(async () => kind.setUp?.(), 15_000);
    afterAll(async () => kind.tearDown?.());

    it('seats peers in join order, tells the others, and counts them', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, { capacity: 3 });
      const a = await seat(n1!, 'r', 'a');
      const b = await seat(n2!, 'r', 'b');
      const c = await seat(n1!, 'r', 'c');

      expect(a.seated.others).toEqual([]);
      expect(b.seated.others).toEqual([{ peerId: 'a', name: 'A' }]);
      expect(c.seated.others).toEqual([{ peerId: 'a', name: 'A' }, { peerId: 'b', name: 'B' }]);
      await a.who.has(2);
      await b.who.has(1);
      expect(a.who.got).toEqual([
        { message_type: 'PEER_JOINED', content: { peer_id: 'b', name: 'B' } },
        { message_type: 'PEER_JOINED', content: { peer_id: 'c', name: 'C' } },
      ]);
      expect(await n2!.counts()).toEqual({ rooms: 1, peers: 3 });
      expect(await n2!.has('r')).toBe(true);
      expect(await n2!.has('other')).toBe(false);
      expect(await n2!.members('r')).toEqual(['a', 'b', 'c']);
      expect(await n2!.members('other')).toEqual([]);
    });

    it('answers ROOM_FULL at capacity on any node, seating nobody, and other rooms are unaffected', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, {});
      await seat(n1!, 'r', 'a');
      await seat(n2!, 'r', 'b');

      expect(await n2!.join({ room: 'r', peerId: 'c', name: 'C' }, person().occupant)).toEqual({ ok: false, reason: 'ROOM_FULL' });
      expect(await n1!.counts()).toEqual({ rooms: 1, peers: 2 });
      expect((await n1!.join({ room: 'r2', peerId: 'c', name: 'C' }, person().occupant)).ok).toBe(true);
    });

    it('refuses a second seat under a peer id already in the room', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, { capacity: 4 });
      await seat(n1!, 'r', 'a');
      expect(await n2!.join({ room: 'r', peerId: 'a', name: 'A' }, person().occupant)).toEqual({ ok: false, reason: 'PEER_ID_TAKEN' });
      expect(await n2!.counts()).toEqual({ rooms: 1, peers: 1 });
    });

    it('relays by `to` across nodes, to the only other peer without it, and says why it cannot', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, { capacity: 3 });
      const a = await seat(n1!, 'r', 'a');
      expect(await n1!.relay(a.seated.tenancy, undefined, candidate(0, 'a'))).toEqual({ ok: false, reason: 'NOBODY_ELSE' });
      const b = await seat(n2!, 'r', 'b');

      expect(await n1!.relay(a.seated.tenancy, 'b', candidate(1, 'a'))).toEqual({ ok: true });
      expect(await n2!.relay(b.seated.tenancy, undefined, candidate(2, 'b'))).toEqual({ ok: true });
      expect(await n1!.relay(a.seated.tenancy, 'a', candidate(3, 'a'))).toEqual({ ok: false, reason: 'UNKNOWN_PEER' });
      expect(await n1!.relay(a.seated.tenancy, 'nobody', candidate(3, 'a'))).toEqual({ ok: false, reason: 'UNKNOWN_PEER' });
      await seat(n2!, 'r', 'c');
      expect(await n1!.relay(a.seated.tenancy, undefined, candidate(4, 'a'))).toEqual({ ok: false, reason: 'AMBIGUOUS', others: 2 });

      await b.who.has(2);
      expect(b.who.got.filter((m) => m.message_type === 'CANDIDATE')).toEqual([candidate(1, 'a')]);
      await a.who.has(3);
      expect(a.who.got.filter((m) => m.message_type === 'CANDIDATE')).toEqual([candidate(2, 'b')]);
    });

    it('keeps messages from one sender in order across nodes', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, {});
      const a = await seat(n1!, 'r', 'a');
      const b = await seat(n2!, 'r', 'b');
      await Promise.all(Array.from({ length: 50 }, (_, n) => n1!.relay(a.seated.tenancy, 'b', candidate(n, 'a'))));
      await b.who.has(50);
      expect(b.who.got).toEqual(Array.from({ length: 50 }, (_, n) => candidate(n, 'a')));
    });

    it('never lets a message cross rooms, even to a peer id that exists elsewhere', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, {});
      const a = await seat(n1!, 'r1', 'a');
      const x = await seat(n2!, 'r2', 'x');

      expect(await n1!.relay(a.seated.tenancy, 'x', candidate(1, 'a'))).toEqual({ ok: false, reason: 'UNKNOWN_PEER' });
      expect(await n1!.relay(a.seated.tenancy, undefined, candidate(1, 'a'))).toEqual({ ok: false, reason: 'NOBODY_ELSE' });
      await settle();
      expect(x.who.got).toEqual([]);
    });

    it('frees a seat on leave, tells the others, and lets an empty room vanish', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, {});
      const a = await seat(n1!, 'r', 'a');
      const b = await seat(n2!, 'r', 'b');
      await n2!.leave(b.seated.tenancy);

      await a.who.has(2);
      expect(a.who.got[1]).toEqual({ message_type: 'PEER_LEFT', content: { peer_id: 'b' } });
      expect(await n1!.members('r')).toEqual(['a']);
      expect(await n1!.resume(b.seated.tenancy.token, 'r', person().occupant)).toBeUndefined();
      await n1!.leave(a.seated.tenancy);
      expect(await n2!.counts()).toEqual({ rooms: 0, peers: 0 });
      expect(await n2!.has('r')).toBe(false);
    });

    it('holds a dropped seat: resumed on another node, same peer, new token, the gap in order after start()', async () => {
      const { nodes: [n1, n2], expired } = await kind.nodes(2, {});
      const a = await seat(n1!, 'r', 'a');
      const b = await seat(n2!, 'r', 'b');
      await a.who.has(1);
      await n1!.release(a.seated.tenancy);
      for (let n = 0; n < 5; n += 1) await n2!.relay(b.seated.tenancy, 'a', candidate(n, 'b'));

      const back = person();
      const resumed = await n2!.resume(a.seated.tenancy.token, 'r', back.occupant);
      expect(resumed?.tenancy.seat).toMatchObject({ peerId: 'a', name: 'A', room: 'r' });
      expect(resumed?.tenancy.token).not.toBe(a.seated.tenancy.token);
      expect(resumed?.others).toEqual([{ peerId: 'b', name: 'B' }]);
      await settle();
      // Nothing before start(): that is when WELCOME has gone out.
      expect(back.got).toEqual([]);
      resumed!.start();
      await n2!.relay(b.seated.tenancy, 'a', candidate(5, 'b'));
      await back.has(6);
      expect(back.got).toEqual(Array.from({ length: 6 }, (_, n) => candidate(n, 'b')));
      // The others saw nobody leave or come; the old token is worthless.
      expect(b.who.types()).toEqual([]);
      expect(await n1!.resume(a.seated.tenancy.token, 'r', person().occupant)).toBeUndefined();
      expect(expired()).toBe(0);
    });

    it('takes a seat from a connection still attached on another node, which is evicted', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, {});
      const a = await seat(n1!, 'r', 'a');
      const b = await seat(n2!, 'r', 'b');
      const tab = person();
      const resumed = await n2!.resume(a.seated.tenancy.token, 'r', tab.occupant);
      resumed!.start();

      await waitUntil(() => a.who.evicted === 1, 'the old connection to be evicted');
      await n2!.relay(b.seated.tenancy, 'a', candidate(1, 'b'));
      await tab.has(1);
      expect(tab.got).toEqual([candidate(1, 'b')]);
      // The evicted connection's tenancy can neither relay nor free the seat.
      expect(await n1!.relay(a.seated.tenancy, 'b', candidate(2, 'a'))).toEqual({ ok: false, reason: 'SEAT_LOST' });
      await n1!.leave(a.seated.tenancy);
      await n1!.release(a.seated.tenancy);
      expect(await n1!.counts()).toEqual({ rooms: 1, peers: 2 });
    });

    it('refuses a token of another room, and an unknown one', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, {});
      const a = await seat(n1!, 'r', 'a');
      await n1!.release(a.seated.tenancy);
      expect(await n2!.resume(a.seated.tenancy.token, 'other', person().occupant)).toBeUndefined();
      expect(await n2!.resume('forged', 'r', person().occupant)).toBeUndefined();
      expect(await n2!.resume(a.seated.tenancy.token, 'r', person().occupant)).toBeDefined();
    });

    it('frees a held seat after the grace period, tells the others once, and its token stops working', async () => {
      const { nodes: [n1, n2], expired } = await kind.nodes(2, { graceMs: 300 });
      const a = await seat(n1!, 'r', 'a');
      const b = await seat(n2!, 'r', 'b');
      await n1!.release(a.seated.tenancy);

      await b.who.has(1);
      expect(b.who.got).toEqual([{ message_type: 'PEER_LEFT', content: { peer_id: 'a' } }]);
      expect(await n2!.resume(a.seated.tenancy.token, 'r', person().occupant)).toBeUndefined();
      expect(await n2!.counts()).toEqual({ rooms: 1, peers: 1 });
      await settle();
      expect(b.who.got).toHaveLength(1);
      expect(expired()).toBe(1);
    });

    it('holds the seat of a connection that can no longer take messages, keeping the one that failed', async () => {
      const { nodes: [n1, n2] } = await kind.nodes(2, {});
      const a = await seat(n1!, 'r', 'a');
      const b = await seat(n2!, 'r', 'b');
      await a.who.has(1);
      a.who.open = false;
      await n2!.relay(b.seated.tenancy, 'a', candidate(1, 'b'));
      await n2!.relay(b.seated.tenancy, 'a', candidate(2, 'b'));
      await settle();
      await n1!.release(a.seated.tenancy);

      const back = person();
      const resumed = await n2!.resume(a.seated.tenancy.token, 'r', back.occupant);
      resumed!.start();
      await back.has(2);
      expect(back.got).toEqual([candidate(1, 'b'), candidate(2, 'b')]);
    });

    it('frees a held seat whose backlog would overflow, rather than resume it with a hole', async () => {
      const { nodes: [n1, n2], expired } = await kind.nodes(2, { maxQueued: 3 });
      const a = await seat(n1!, 'r', 'a');
      const b = await seat(n2!, 'r', 'b');
      await n1!.release(a.seated.tenancy);
      for (let n = 0; n < 4; n += 1) await n2!.relay(b.seated.tenancy, 'a', candidate(n, 'b'));

      await b.who.has(1);
      expect(b.who.got).toEqual([{ message_type: 'PEER_LEFT', content: { peer_id: 'a' } }]);
      expect(await n1!.resume(a.seated.tenancy.token, 'r', person().occupant)).toBeUndefined();
      expect(expired()).toBe(1);
    });
  });
}
