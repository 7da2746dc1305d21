/**
 * The room store of a single process: the room registry (rooms.ts) and the resume table
 * (resumeTable.ts) in memory. Everything happens synchronously; the promises only match the
 * interface that a store shared between nodes needs (relay, the one on every message, has none).
 */
import type { ServerMessage } from '../shared/messages.js';
import { createResumeTable } from './resumeTable.js';
import { createMemoryRoomRegistry, vacateSeat, type Seat } from './rooms.js';
import { noStoreEvents, type PeerInfo, type RelayOutcome, type RoomStore, type Seated, type StoreEvents } from './roomStore.js';

export interface MemoryRoomStoreOptions {
  capacity: number;
  graceMs: number;
  /** Most messages, and most characters of them as JSON, kept for a held seat. */
  maxQueued: number;
  maxQueuedChars: number;
  newToken(): string;
  events?: StoreEvents;
}

const peerInfo = (seats: readonly Seat[]): PeerInfo[] => seats.map(({ peerId, name }) => ({ peerId, name }));

export function createMemoryRoomStore(options: MemoryRoomStoreOptions): RoomStore {
  const events = options.events ?? noStoreEvents;
  const registry = createMemoryRoomRegistry(options.capacity);
  const seats = createResumeTable({
    graceMs: options.graceMs,
    maxQueued: options.maxQueued,
    maxQueuedChars: options.maxQueuedChars,
    newToken: options.newToken,
    expire(seat) {
      events.seatsExpired(1);
      vacateSeat(registry, seat);
    },
  });

  return {
    async join(identity, occupant) {
      const opened = seats.open(identity, occupant);
      const outcome = registry.join(opened.seat);
      if (!outcome.ok) {
        seats.drop(opened);
        return outcome;
      }
      const joined: ServerMessage = { message_type: 'PEER_JOINED', content: { peer_id: identity.peerId, name: identity.name } };
      for (const other of outcome.others) other.deliver(joined);
      return { ok: true, tenancy: opened, others: peerInfo(outcome.others), start: () => {} };
    },

    async resume(token, room, occupant): Promise<Seated | undefined> {
      const resumed = seats.resume(token, room, occupant);
      if (!resumed) return undefined;
      const { seat } = resumed.tenancy;
      return {
        ok: true,
        tenancy: resumed.tenancy,
        others: peerInfo(registry.othersOf(seat)),
        // Through the seat, not straight to the socket: if this socket fails too, they wait again.
        start: () => {
          for (const message of resumed.backlog) seat.deliver(message);
        },
      };
    },

    relay(from, to, message): RelayOutcome {
      const sender = seats.current(from.token)?.seat;
      if (!sender) return { ok: false, reason: 'SEAT_LOST' };
      if (to !== undefined) {
        const target = registry.find(sender.room, to);
        if (!target || target === sender) return { ok: false, reason: 'UNKNOWN_PEER' };
        target.deliver(message);
        return { ok: true };
      }
      const others = registry.othersOf(sender);
      const only = others.length === 1 ? others[0] : undefined;
      if (only) {
        only.deliver(message);
        return { ok: true };
      }
      return others.length === 0 ? { ok: false, reason: 'NOBODY_ELSE' } : { ok: false, reason: 'AMBIGUOUS', others: others.length };
    },

    async leave(tenancy) {
      const current = seats.current(tenancy.token);
      // No hold after LEAVE: the seat is freed now and its token stops working.
      if (current && seats.drop(current)) vacateSeat(registry, current.seat);
    },

    async release(tenancy) {
      const current = seats.current(tenancy.token);
      if (current) seats.release(current);
    },

    async has(room) {
      return registry.has(room);
    },

    async members(room) {
      return registry.seatsOf(room).map((seat) => seat.peerId);
    },

    async counts() {
      return registry.counts();
    },

    health: () => ({ ok: true }),
    connected: async () => true,

    async close() {
      // Held seats' timers would otherwise outlive the server.
      seats.close();
    },
  };
}
