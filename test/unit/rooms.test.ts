/** The in-memory room registry: who sits where, in which order, and what a full room does. */
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/messages.js';
import { createMemoryRoomRegistry, vacateSeat, type Seat } from '../../src/server/rooms.js';

/** A seat whose deliveries are never looked at: the registry only stores seats. */
const seat = (peerId: string, room = 'room-1'): Seat => ({ peerId, name: peerId.toUpperCase(), room, deliver: () => {} });
const ids = (seats: readonly Seat[]) => seats.map((s) => s.peerId);

describe('createMemoryRoomRegistry', () => {
  it('seats peers and returns those already there, in join order', () => {
    const registry = createMemoryRoomRegistry(4);

    expect(registry.join(seat('a'))).toEqual({ ok: true, others: [] });
    registry.join(seat('b'));
    registry.join(seat('c'));
    const outcome = registry.join(seat('d'));

    expect(outcome.ok && ids(outcome.others)).toEqual(['a', 'b', 'c']);
  });

  it('answers ROOM_FULL at capacity without seating the peer, and other rooms are unaffected', () => {
    const registry = createMemoryRoomRegistry(2);
    registry.join(seat('a'));
    registry.join(seat('b'));

    expect(registry.join(seat('c'))).toEqual({ ok: false, reason: 'ROOM_FULL' });
    expect(registry.find('room-1', 'c')).toBeUndefined();
    expect(registry.counts()).toEqual({ rooms: 1, peers: 2 });
    expect(registry.join(seat('c', 'room-2')).ok).toBe(true);
  });

  it('frees a seat on leave, returning the peers still there, so a full room takes someone new', () => {
    const registry = createMemoryRoomRegistry(2);
    const a = seat('a');
    registry.join(a);
    registry.join(seat('b'));

    expect(ids(registry.leave(a))).toEqual(['b']);
    expect(registry.join(seat('c')).ok).toBe(true);
  });

  it('lets a room disappear when its last peer leaves', () => {
    const registry = createMemoryRoomRegistry(2);
    const a = seat('a');
    const b = seat('b', 'room-2');
    registry.join(a);
    registry.join(b);
    expect(registry.counts()).toEqual({ rooms: 2, peers: 2 });

    expect(registry.leave(a)).toEqual([]);
    expect(registry.counts()).toEqual({ rooms: 1, peers: 1 });
    registry.leave(b);
    expect(registry.counts()).toEqual({ rooms: 0, peers: 0 });
  });

  it('finds a peer only within its own room', () => {
    const registry = createMemoryRoomRegistry(2);
    const a = seat('a');
    registry.join(a);

    expect(registry.find('room-1', 'a')).toBe(a);
    expect(registry.find('room-2', 'a')).toBeUndefined();
    expect(registry.find('room-1', 'nobody')).toBeUndefined();
  });

  it('lists the others of a seat, not the seat itself', () => {
    const registry = createMemoryRoomRegistry(3);
    const [a, b, c] = [seat('a'), seat('b'), seat('c')];
    for (const s of [a, b, c]) registry.join(s);
    registry.join(seat('z', 'room-2'));

    expect(ids(registry.othersOf(b))).toEqual(['a', 'c']);
  });

  it('ignores leave of a seat that is not (or no longer) the one seated', () => {
    const registry = createMemoryRoomRegistry(2);
    const a = seat('a');
    registry.join(a);
    registry.join(seat('b'));
    registry.leave(a);

    // Leaving twice must not count the peer out twice.
    expect(registry.leave(a)).toEqual([]);
    // A stale seat with the same peer id as a newer one must not unseat the newer one.
    const newer = seat('a');
    registry.join(newer);
    expect(registry.leave(seat('a'))).toEqual([]);
    expect(registry.find('room-1', 'a')).toBe(newer);
    expect(registry.counts()).toEqual({ rooms: 1, peers: 2 });
  });

  it('refuses a second seat with a peer id already seated in the room, and counts nothing', () => {
    const registry = createMemoryRoomRegistry(4);
    const first = seat('a');
    registry.join(first);

    expect(registry.join(seat('a'))).toEqual({ ok: false, reason: 'PEER_ID_TAKEN' });
    expect(registry.find('room-1', 'a')).toBe(first);
    expect(registry.counts()).toEqual({ rooms: 1, peers: 1 });
  });

  it('says whether a room exists', () => {
    const registry = createMemoryRoomRegistry(2);
    const a = seat('a');
    expect(registry.has('room-1')).toBe(false);
    registry.join(a);
    expect(registry.has('room-1')).toBe(true);
    registry.leave(a);
    expect(registry.has('room-1')).toBe(false);
  });
});

describe('vacateSeat', () => {
  it('frees the seat and tells each peer still in the room, and nobody else', () => {
    const registry = createMemoryRoomRegistry(3);
    const told = new Map<string, ServerMessage[]>();
    const listening = (peerId: string, room = 'room-1'): Seat => {
      const inbox: ServerMessage[] = [];
      told.set(peerId, inbox);
      return { peerId, name: peerId, room, deliver: (message) => inbox.push(message) };
    };
    const [a, b, c, z] = [listening('a'), listening('b'), listening('c'), listening('z', 'room-2')];
    for (const s of [a, b, c, z]) registry.join(s);

    vacateSeat(registry, b);

    const left = { message_type: 'PEER_LEFT', content: { peer_id: 'b' } };
    expect(told.get('a')).toEqual([left]);
    expect(told.get('c')).toEqual([left]);
    expect(told.get('b')).toEqual([]);
    expect(told.get('z')).toEqual([]);
    expect(registry.find('room-1', 'b')).toBeUndefined();
  });
});
