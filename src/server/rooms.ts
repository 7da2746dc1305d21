/**
 * The room registry: who is in which room. No Fastify and no sockets in here, only seats
 * with a way to deliver a message, so that a registry shared between server nodes can take
 * this one's place behind the same interface.
 */
import type { ServerMessage } from '../shared/messages.js';

export interface Seat {
  readonly peerId: string;
  readonly name: string;
  readonly room: string;
  deliver(message: ServerMessage): void;
}

export type JoinOutcome =
  | { ok: true; others: readonly Seat[] }
  // PEER_ID_TAKEN: a seat with that peer id is already in the room (the caller picks another id).
  | { ok: false; reason: 'ROOM_FULL' | 'PEER_ID_TAKEN' };

export interface RoomRegistry {
  /** Seats the peer if the room has space; the check and the seating are one step. */
  join(seat: Seat): JoinOutcome;
  /** Whether the room exists, i.e. has at least one seat (held seats count). */
  has(room: string): boolean;
  /** Frees the seat; returns the peers still in the room, to be told. */
  leave(seat: Seat): readonly Seat[];
  /** The other peers of the seat's room, in join order. */
  othersOf(seat: Seat): readonly Seat[];
  find(room: string, peerId: string): Seat | undefined;
  /** The seats of a room, in join order. */
  seatsOf(room: string): readonly Seat[];
  counts(): { rooms: number; peers: number };
}

export function createMemoryRoomRegistry(capacity: number): RoomRegistry {
  // Each room is its seats in join order. An array, not a Map: a room holds a handful of seats,
  // and an array of two costs a third of a Map's table.
  const rooms = new Map<string, Seat[]>();
  let peers = 0;

  return {
    join(seat) {
      const room = rooms.get(seat.room);
      if (room && room.length >= capacity) return { ok: false, reason: 'ROOM_FULL' };
      // Seating a second seat under one id would overwrite the first and break the count.
      if (room?.some((other) => other.peerId === seat.peerId)) return { ok: false, reason: 'PEER_ID_TAKEN' };
      const others = room ? [...room] : [];
      // A new array of the exact size: push would grow a room of one to room for seventeen.
      rooms.set(seat.room, [...others, seat]);
      peers += 1;
      return { ok: true, others };
    },
    has(room) {
      return rooms.has(room);
    },
    leave(seat) {
      const room = rooms.get(seat.room);
      const at = room ? room.indexOf(seat) : -1;
      if (!room || at === -1) return [];
      room.splice(at, 1);
      peers -= 1;
      if (room.length === 0) rooms.delete(seat.room);
      return [...room];
    },
    othersOf(seat) {
      return rooms.get(seat.room)?.filter((other) => other !== seat) ?? [];
    },
    find(room, peerId) {
      return rooms.get(room)?.find((seat) => seat.peerId === peerId);
    },
    seatsOf(room) {
      return [...(rooms.get(room) ?? [])];
    },
    counts() {
      return { rooms: rooms.size, peers };
    },
  };
}

/** Frees the seat for good and tells the peers still in the room (after LEAVE or an expired hold). */
export function vacateSeat(registry: RoomRegistry, seat: Seat): void {
  const left: ServerMessage = { message_type: 'PEER_LEFT', content: { peer_id: seat.peerId } };
  for (const other of registry.leave(seat)) other.deliver(left);
}
