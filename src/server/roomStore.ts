/**
 * Who sits in which room, and the seats held for a resume, behind one interface with two
 * implementations: in this process (memoryRoomStore.ts) or shared by every node of a
 * deployment through Redis (redisRoomStore.ts). Seating, relaying and resuming are one
 * interface, not two, because in Redis a seat, its token and its waiting messages must change
 * in one atomic step. Everything is asynchronous, and the store itself delivers messages to
 * the connection that holds the addressed seat, wherever it is.
 */
import type { ServerMessage } from '../shared/messages.js';

/** A connection, as far as the store needs it. */
export interface Occupant {
  /** Delivers the message now; false when the connection can no longer take it. */
  send(message: ServerMessage): boolean;
  /** The same, for a message that is JSON already (as it comes from another node). */
  sendText(json: string): boolean;
  /** A newer connection resumed this seat: this one must go, without leaving the room. */
  evict(): void;
}

export interface SeatIdentity {
  readonly peerId: string;
  readonly name: string;
  readonly room: string;
}

/** One connection's hold on a seat; worthless once the seat is resumed elsewhere or freed. */
export interface Tenancy {
  readonly seat: SeatIdentity;
  readonly token: string;
}

export interface PeerInfo {
  readonly peerId: string;
  readonly name: string;
}

export interface Seated {
  ok: true;
  tenancy: Tenancy;
  /** The others in the room, in join order. */
  others: readonly PeerInfo[];
  /**
   * Call once WELCOME is sent: until then, what arrives for the seat waits, so that the
   * connection gets WELCOME first, then (after a resume) the messages of the gap, in order.
   */
  start(): void;
}

export type JoinOutcome =
  | Seated
  // PEER_ID_TAKEN: a seat with that peer id is already in the room (the caller picks another id).
  | { ok: false; reason: 'ROOM_FULL' | 'PEER_ID_TAKEN' };

export type RelayOutcome =
  | { ok: true }
  // SEAT_LOST: the sender's own seat is no longer its (freed, or taken by a resume elsewhere).
  | { ok: false; reason: 'UNKNOWN_PEER' | 'NOBODY_ELSE' | 'SEAT_LOST' }
  | { ok: false; reason: 'AMBIGUOUS'; others: number };

export type StoreHealth = { ok: true } | { ok: false; reason: string };

export interface RoomStore {
  /** Seats a new peer if the room has space; the check and the seating are one step. Tells the others PEER_JOINED. */
  join(identity: SeatIdentity, occupant: Occupant): Promise<JoinOutcome>;
  /**
   * The seat that `token` names in `room`, now delivering to `occupant` under a fresh token.
   * A seat still attached to another connection is taken from it (that one is evicted).
   * Undefined for a token that is unknown, expired, or of another room.
   */
  resume(token: string, room: string, occupant: Occupant): Promise<Seated | undefined>;
  /**
   * Delivers `message` to the peer `to` of the sender's room, or to the only other peer when `to`
   * is left out. A store in this process answers at once, without a promise: relaying is what a
   * server does most, and a promise per message is a measurable part of its cost.
   */
  relay(from: Tenancy, to: string | undefined, message: ServerMessage): RelayOutcome | Promise<RelayOutcome>;
  /** Frees the seat now (LEAVE) and tells the others PEER_LEFT. */
  leave(tenancy: Tenancy): Promise<void>;
  /** The connection dropped without LEAVE: hold the seat for the grace period, then free it. */
  release(tenancy: Tenancy): Promise<void>;
  /** Whether the room exists, i.e. has at least one seat (held seats count). */
  has(room: string): Promise<boolean>;
  /** The peer ids of the room, in join order (held seats count); empty when there is no such room. */
  members(room: string): Promise<string[]>;
  /** Rooms and seated peers (held seats count), of the whole deployment. */
  counts(): Promise<{ rooms: number; peers: number }>;
  /** Whether new calls can be taken now, and why not. */
  health(): StoreHealth;
  /** Resolves true once the store can take calls, false if not within `timeoutMs` (it keeps trying). */
  connected(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** What a store reports, for the metrics. */
export interface StoreEvents {
  /** Seats freed because nobody resumed them in time (or their backlog overflowed). */
  seatsExpired(count: number): void;
  /** One round trip to the shared store, in seconds. */
  roundTrip?(seconds: number): void;
}

export const noStoreEvents: StoreEvents = { seatsExpired: () => {} };

