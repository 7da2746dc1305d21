/**
 * The room store shared by every node of a deployment, in Redis (the scripts are in
 * redisScripts.ts). Each node keeps only its own connections; a message for a seat goes through
 * Redis to the node whose connection holds it, over that node's pub/sub channel.
 *
 * A node that dies takes no seat with it: its pub/sub connection closes, so the next message
 * for one of its seats finds no subscriber and holds the seat; and every node renews a lease
 * while it runs, so that the other nodes hold the seats of one whose lease ran out. Held seats
 * run out on a clock in Redis, and whichever node comes first frees them and tells the others.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { ServerMessage } from '../shared/messages.js';
import { scriptSource, type ScriptName } from './redisScripts.js';
import {
  noStoreEvents,
  type Occupant,
  type PeerInfo,
  type RelayOutcome,
  type RoomStore,
  type Seated,
  type SeatIdentity,
  type StoreEvents,
  type StoreHealth,
  type Tenancy,
} from './roomStore.js';

export interface RedisRoomStoreOptions {
  /** `redis://[user:password@]host:port[/db]` */
  url: string;
  capacity: number;
  graceMs: number;
  maxQueued: number;
  maxQueuedChars: number;
  newToken(): string;
  log: FastifyBaseLogger;
  events?: StoreEvents;
  /** Prefix of every key and channel, so that deployments can share one Redis. */
  keyPrefix?: string;
  /** How long a node's lease lasts without renewal; it is renewed every third of that. */
  leaseMs?: number;
}

/** A connection of this node that holds (or is about to hold) a seat. */
interface LocalConnection {
  occupant: Occupant;
  seat: SeatIdentity | null;
  token: string;
  /** Messages that came before WELCOME was sent, as [seq, json]. */
  waiting: Array<[number, string]> | null;
}

const DEFAULT_LEASE_MS = 3_000;
const COMMAND_TIMEOUT_MS = 2_000;

export function createRedisRoomStore(options: RedisRoomStoreOptions): RoomStore {
  const events = options.events ?? noStoreEvents;
  const prefix = options.keyPrefix ?? 'peercall:';
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const node = randomBytes(6).toString('base64url');
  const channel = `${prefix}node:${node}`;
  const { log } = options;
  const where = new URL(options.url).host;

  // Commands fail at once while disconnected (no offline queue): a JOIN is refused rather than
  // left hanging, and the socket's client can try another node.
  const clientOptions = { enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 1, enableAutoPipelining: true } as const;
  const commands = new Redis(options.url, clientOptions);
  const subscriber = new Redis(options.url, { ...clientOptions, autoResubscribe: true });

  const connections = new Map<string, LocalConnection>();
  const connectionOf = new WeakMap<Tenancy, string>();
  let counter = 0;
  let closed = false;
  let lastError = '';
  let wasHealthy = false;
  /** Set while Redis is reachable but this node has not yet seated its peers again after an outage. */
  let needsReseat = false;

  // --- scripts ---------------------------------------------------------------------------
  const sha = new Map<ScriptName, string>();
  const digest = (name: ScriptName) => {
    let known = sha.get(name);
    if (!known) {
      known = createHash('sha1').update(scriptSource(name)).digest('hex');
      sha.set(name, known);
    }
    return known;
  };
  async function run(name: ScriptName, ...args: Array<string | number>): Promise<unknown> {
    try {
      return await commands.call('EVALSHA', digest(name), 0, prefix, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return commands.call('EVAL', scriptSource(name), 0, prefix, ...args);
    }
  }
  const strings = (reply: unknown): string[] => (Array.isArray(reply) ? reply.map(String) : []);

  // --- health ----------------------------------------------------------------------------
  function health(): StoreHealth {
    if (closed) return { ok: false, reason: 'the server is shutting down' };
    if (commands.status === 'ready' && subscriber.status === 'ready' && !needsReseat) return { ok: true };
    return { ok: false, reason: `its Redis at ${where} is unreachable${lastError ? ` (${lastError})` : ''}` };
  }
  function noteHealth() {
    const healthy = health().ok;
    if (healthy === wasHealthy || closed) return;
    wasHealthy = healthy;
    if (healthy) log.info({ redis: where }, 'Redis is reachable: taking calls again');
    else log.error({ redis: where, reason: lastError }, 'Redis is unreachable: refusing new calls until it is back');
  }
  for (const client of [commands, subscriber]) {
    client.on('error', (error: Error) => {
      lastError = error.message;
      noteHealth();
    });
    client.on('close', noteHealth);
  }
  commands.on('ready', () => {
    if (wasHealthy || connections.size === 0) noteHealth();
    else void reseatAll();
  });
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(noteHealth, (error: unknown) => log.warn({ err: error }, 'could not subscribe to this node’s Redis channel'));
  });

  /**
   * Back after an outage: Redis may have lost everything (a restart without persistence). The
   * seats of this node's connections are put back where they are missing, so their calls go on.
   */
  async function reseatAll() {
    needsReseat = true;
    try {
      await tick();
      for (const [conn, local] of connections) {
        if (!local.seat) continue;
        const { room, peerId, name } = local.seat;
        await run('reseat', room, peerId, name, node, conn, local.token, options.graceMs, options.maxQueued, options.maxQueuedChars);
      }
      needsReseat = false;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    noteHealth();
  }

  // --- this node's connections -------------------------------------------------------------
  function open(occupant: Occupant): [string, LocalConnection] {
    counter += 1;
    const conn = `${node}.${counter.toString(36)}`;
    const local: LocalConnection = { occupant, seat: null, token: '', waiting: [] };
    connections.set(conn, local);
    return [conn, local];
  }

  function bounce(conn: string, room: string, peer: string, seq: number, json: string) {
    run('bounce', room, peer, conn, seq, json).catch((error: unknown) => log.warn({ err: error }, 'a message for a dropped seat could not be kept'));
  }

  function hand(conn: string, room: string, peer: string, seq: number, json: string) {
    const local = connections.get(conn);
    if (local?.waiting) {
      local.waiting.push([seq, json]);
      return;
    }
    if (local?.occupant.sendText(json)) return;
    // Gone, or closing before its close event: from here on the seat waits for a resume.
    if (local) connections.delete(conn);
    bounce(conn, room, peer, seq, json);
  }

  function start(conn: string, seat: SeatIdentity, backlog: Array<[number, string]>) {
    const local = connections.get(conn);
    if (!local) return;
    const queued = [...backlog, ...(local.waiting ?? [])].sort((a, b) => a[0] - b[0]);
    local.waiting = null;
    for (const [seq, json] of queued) hand(conn, seat.room, seat.peerId, seq, json);
  }

  subscriber.on('message', (_channel: string, text: string) => {
    if (text.startsWith('e')) {
      const conn = text.slice(1);
      const local = connections.get(conn);
      connections.delete(conn);
      local?.occupant.evict();
      return;
    }
    // "m<conn> <room> <peer> <seq> <json>"
    const a = text.indexOf(' ');
    const b = text.indexOf(' ', a + 1);
    const c = text.indexOf(' ', b + 1);
    const d = text.indexOf(' ', c + 1);
    if (!text.startsWith('m') || d === -1) return log.warn('ignored a malformed message on this node’s Redis channel');
    hand(text.slice(1, a), text.slice(a + 1, b), text.slice(b + 1, c), Number(text.slice(c + 1, d)), text.slice(d + 1));
  });

  function seated(conn: string, seat: SeatIdentity, token: string, others: PeerInfo[], backlog: Array<[number, string]>): Seated {
    const local = connections.get(conn);
    if (local) {
      local.seat = seat;
      local.token = token;
    }
    const tenancy: Tenancy = { seat, token };
    connectionOf.set(tenancy, conn);
    return { ok: true, tenancy, others, start: () => start(conn, seat, backlog) };
  }

  const pairs = (flat: string[]): PeerInfo[] => {
    const list: PeerInfo[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) list.push({ peerId: flat[i]!, name: flat[i + 1]! });
    return list;
  };

  // --- the lease and the reaper ------------------------------------------------------------
  async function tick() {
    const started = performance.now();
    const freed = Number(await run('tick', node, leaseMs));
    events.roundTrip?.((performance.now() - started) / 1000);
    if (freed > 0) events.seatsExpired(freed);
  }
  // Holds run out on the reaper's beat: a quarter of the grace, between 50 ms and a third of the lease.
  const beatMs = Math.min(Math.max(options.graceMs / 4, 50), leaseMs / 3);
  const beat = setInterval(() => {
    if (commands.status !== 'ready') return;
    tick().catch((error: unknown) => {
      lastError = error instanceof Error ? error.message : String(error);
      noteHealth();
    });
  }, beatMs);

  const seatArgs = (conn: string, token: string) => [node, conn, token, options.graceMs, options.maxQueued, options.maxQueuedChars] as const;

  return {
    async connected(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (health().ok) {
          await tick();
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return false;
    },

    async join(identity, occupant) {
      const [conn] = open(occupant);
      const token = options.newToken();
      const joined: ServerMessage = { message_type: 'PEER_JOINED', content: { peer_id: identity.peerId, name: identity.name } };
      try {
        const [n1, n2, n3, n4, n5, n6] = seatArgs(conn, token);
        const reply = strings(
          await run('join', identity.room, identity.peerId, identity.name, options.capacity, n1, n2, n3, n4, n5, n6, JSON.stringify(joined)),
        );
        const [status, ...others] = reply;
        if (status === 'ROOM_FULL' || status === 'PEER_ID_TAKEN') {
          connections.delete(conn);
          return { ok: false, reason: status };
        }
        return seated(conn, identity, token, pairs(others), []);
      } catch (error) {
        connections.delete(conn);
        throw error;
      }
    },

    async resume(token, room, occupant) {
      const [conn] = open(occupant);
      const fresh = options.newToken();
      let reply: string[];
      try {
        reply = strings(await run('resume', token, room, node, conn, fresh));
      } catch (error) {
        connections.delete(conn);
        throw error;
      }
      const [peerId, name, evict, count] = reply;
      if (peerId === undefined || name === undefined || count === undefined) {
        connections.delete(conn);
        return undefined;
      }
      // The seat was attached to another connection of this node: it goes now.
      if (evict) {
        const previous = connections.get(evict);
        connections.delete(evict);
        previous?.occupant.evict();
      }
      const others = pairs(reply.slice(4, 4 + Number(count)));
      const backlog = reply.slice(4 + Number(count)).map((entry): [number, string] => {
        const space = entry.indexOf(' ');
        return [Number(entry.slice(0, space)), entry.slice(space + 1)];
      });
      return seated(conn, { peerId, name, room }, fresh, others, backlog);
    },

    async relay(from, to, message): Promise<RelayOutcome> {
      const conn = connectionOf.get(from);
      if (!conn) return { ok: false, reason: 'SEAT_LOST' };
      const [status, others] = strings(await run('relay', from.seat.room, from.seat.peerId, conn, to ?? '', JSON.stringify(message)));
      switch (status) {
        case 'OK':
          return { ok: true };
        case 'AMBIGUOUS':
          return { ok: false, reason: 'AMBIGUOUS', others: Number(others) };
        case 'UNKNOWN_PEER':
        case 'NOBODY_ELSE':
        case 'SEAT_LOST':
          return { ok: false, reason: status };
        default:
          throw new Error(`The relay script answered "${status}".`);
      }
    },

    async leave(tenancy) {
      const conn = connectionOf.get(tenancy);
      if (!conn) return;
      connections.delete(conn);
      await run('leave', tenancy.seat.room, tenancy.seat.peerId, conn);
    },

    async release(tenancy) {
      const conn = connectionOf.get(tenancy);
      if (!conn) return;
      connections.delete(conn);
      await run('release', tenancy.seat.room, tenancy.seat.peerId, conn);
    },

    async has(room) {
      return (await commands.exists(`${prefix}room:${room}`)) === 1;
    },

    async members(room) {
      return commands.zrange(`${prefix}room:${room}`, '0', '-1');
    },

    async counts() {
      const [rooms, peers] = await Promise.all([commands.scard(`${prefix}rooms`), commands.get(`${prefix}peers`)]);
      return { rooms, peers: Number(peers ?? 0) };
    },

    health,

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(beat);
      // Seats still attached here are held by the other nodes once this lease is gone.
      await commands.del(`${prefix}alive:${node}`).catch(() => {});
      await Promise.all([commands.quit().catch(() => commands.disconnect()), subscriber.quit().catch(() => subscriber.disconnect())]);
    },
  };
}
