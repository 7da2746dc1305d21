/**
 * Seats whose connection may come and go: the Resume section of PROTOCOL.md. Every seated peer
 * has one entry here, found by its current resume token. While a connection is attached, what is
 * delivered to the seat goes straight to it. When the connection drops without LEAVE, the seat
 * stays in the room registry (so the others notice nothing), deliveries wait in a queue, and a
 * timer frees the seat if nobody resumes it within the grace period.
 *
 * No sockets and no Fastify here: a connection is an `Occupant`, something that can take a
 * message and can be sent away.
 */
import type { ServerMessage } from '../shared/messages.js';
import type { Occupant as StoreOccupant, SeatIdentity } from './roomStore.js';
import type { Seat } from './rooms.js';

export type { SeatIdentity };
/** A connection, as far as this table needs it. */
export type Occupant = Pick<StoreOccupant, 'send' | 'evict'>;

/** One connection's hold on a seat; stale (ignored) once the seat is resumed elsewhere or freed. */
export interface Tenancy {
  readonly seat: Seat;
  readonly token: string;
}

export interface ResumeTableOptions {
  graceMs: number;
  /** Most messages kept for a held seat; see `queue` below for what happens beyond. */
  maxQueued: number;
  /** Most characters (of the messages as JSON) kept for a held seat, so big SDPs cannot pile up. */
  maxQueuedChars: number;
  /** An unguessable token; a new one for every WELCOME. */
  newToken(): string;
  /** Nobody resumed the seat in time: free it for good and tell the others. */
  expire(seat: Seat): void;
}

export interface ResumeTable {
  /**
   * A seat for a new peer, delivering to `occupant`, and its first token. It is in no room yet:
   * the caller seats it in the registry, and calls `drop` if the registry refuses it.
   */
  open(identity: SeatIdentity, occupant: Occupant): Tenancy;
  /**
   * The seat that `token` names in `room`, now delivering to `occupant` under a fresh token (the
   * old one stops working), with the messages that waited for it. A seat still attached to an
   * older connection is taken from it (that occupant is evicted). Undefined for a token that is
   * unknown, expired, or of another room.
   */
  resume(token: string, room: string, occupant: Occupant): { tenancy: Tenancy; backlog: ServerMessage[] } | undefined;
  /** The current tenancy of `token`, if it still names a seat. */
  current(token: string): Tenancy | undefined;
  /** The connection dropped without LEAVE: hold the seat for the grace period. */
  release(tenancy: Tenancy): void;
  /** Forgets the seat at once (LEAVE, or the registry refused it); false if the tenancy was stale. */
  drop(tenancy: Tenancy): boolean;
  /** Shutting down: stop every timer and free the held seats; later releases free at once. */
  close(): void;
  /** Seats held for a resume right now. */
  heldCount(): number;
}

/**
 * A seat and everything the table knows of it, in one object: the seat the registry holds is the
 * entry itself (every seated peer has one, so no closure or second object per seat).
 */
class Entry implements Seat {
  readonly peerId: string;
  readonly name: string;
  readonly room: string;
  tenancy: Tenancy;
  occupant: Occupant | null;
  /** What waits for a resume while the seat is held; null while nothing does. */
  queue: ServerMessage[] | null = null;
  queuedChars = 0;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    identity: SeatIdentity,
    token: string,
    occupant: Occupant,
    private readonly table: { deliver(entry: Entry, message: ServerMessage): void },
  ) {
    this.peerId = identity.peerId;
    this.name = identity.name;
    this.room = identity.room;
    this.tenancy = { seat: this, token };
    this.occupant = occupant;
  }

  deliver(message: ServerMessage): void {
    this.table.deliver(this, message);
  }
}

export function createResumeTable(options: ResumeTableOptions): ResumeTable {
  const byToken = new Map<string, Entry>();
  let closed = false;

  const isCurrent = (tenancy: Tenancy): Entry | undefined => {
    const entry = byToken.get(tenancy.token);
    return entry?.tenancy === tenancy ? entry : undefined;
  };

  function forget(entry: Entry) {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.occupant = null;
    entry.queue = null;
    entry.queuedChars = 0;
  }

  function free(entry: Entry) {
    // Forget first, so that whatever expire() delivers cannot reach this entry again.
    forget(entry);
    if (!byToken.delete(entry.tenancy.token)) return;
    options.expire(entry);
  }

  function hold(entry: Entry) {
    entry.occupant = null;
    if (closed) return free(entry);
    // Not unref'd: close() clears it, and a timer leaked past shutdown should show, not hide.
    entry.timer = setTimeout(() => free(entry), options.graceMs);
  }

  function queue(entry: Entry, message: ServerMessage) {
    if (!byToken.has(entry.tenancy.token)) return;
    // Beyond maxQueued (or maxQueuedChars) the promise "every message, in order" can no longer
    // be kept, and a negotiation with a hole in it is worse than a fresh start: the seat is freed
    // at once, as if the window had run out (the others get PEER_LEFT; the token is worthless;
    // the peer's next JOIN is a new one).
    const chars = JSON.stringify(message).length;
    const waiting = entry.queue ?? [];
    if (waiting.length >= options.maxQueued || entry.queuedChars + chars > options.maxQueuedChars) return free(entry);
    waiting.push(message);
    entry.queue = waiting;
    entry.queuedChars += chars;
  }

  const table = {
    deliver(entry: Entry, message: ServerMessage) {
      const occupant = entry.occupant;
      if (occupant) {
        if (occupant.send(message)) return;
        // The socket is closing (or gone) but its close event has not come yet: from here on the
        // seat is held, and this message is the first to wait for a resume.
        hold(entry);
      }
      queue(entry, message);
    },
  };

  return {
    open(identity, occupant) {
      const entry = new Entry(identity, options.newToken(), occupant, table);
      byToken.set(entry.tenancy.token, entry);
      return entry.tenancy;
    },

    resume(token, room, occupant) {
      const entry = byToken.get(token);
      if (!entry || entry.room !== room) return undefined;
      const previous = entry.occupant;
      byToken.delete(token);
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.occupant = occupant;
      entry.tenancy = { seat: entry, token: options.newToken() };
      byToken.set(entry.tenancy.token, entry);
      const backlog = entry.queue ?? [];
      entry.queue = null;
      entry.queuedChars = 0;
      // Evicted after the switch, so nothing delivered while it closes can go to the old socket.
      previous?.evict();
      return { tenancy: entry.tenancy, backlog };
    },

    current(token) {
      return byToken.get(token)?.tenancy;
    },

    release(tenancy) {
      const entry = isCurrent(tenancy);
      if (entry?.occupant) hold(entry);
    },

    drop(tenancy) {
      const entry = isCurrent(tenancy);
      if (!entry) return false;
      byToken.delete(tenancy.token);
      forget(entry);
      return true;
    },

    close() {
      closed = true;
      for (const entry of [...byToken.values()]) if (!entry.occupant) free(entry);
    },

    heldCount() {
      let held = 0;
      for (const entry of byToken.values()) if (!entry.occupant) held += 1;
      return held;
    },
  };
}
