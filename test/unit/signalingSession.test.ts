/**
 * Rules of one session that a real socket can hardly reach: a clash of random peer ids, and the
 * per-client room quota. The session is plain logic, so a fake link stands in for the socket.
 */
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/messages.js';
import { createMemoryRoomStore } from '../../src/server/memoryRoomStore.js';
import { createSignalingSession, type SessionDeps } from '../../src/server/signalingSession.js';

/** `mayCreateRoom` is the client's room quota, which the socket's link answers. */
function harness({ mayCreateRoom = () => true, ...overrides }: Partial<SessionDeps> & { mayCreateRoom?: () => boolean } = {}) {
  let tokens = 0;
  const rooms = createMemoryRoomStore({ capacity: 4, graceMs: 1_000, maxQueued: 10, maxQueuedChars: 10_000, newToken: () => `t${(tokens += 1)}` });
  const deps: SessionDeps = { rooms, iceServersFor: () => [], iceTransportPolicy: 'all', roomCapacity: 4, newPeerId: () => 'fixed', ...overrides };
  const session = (inbox: ServerMessage[] = []) => {
    const s = createSignalingSession(
      { send: (message) => (inbox.push(message), true), sendText: (json) => (inbox.push(JSON.parse(json) as ServerMessage), true), replaced: () => {}, mayCreateRoom },
      deps,
    );
    return {
      inbox,
      s,
      join: async (room: string) => {
        s.receiveText(JSON.stringify({ message_type: 'JOIN', content: { room } }));
        await s.settled();
      },
    };
  };
  return { rooms, session };
}

const welcomed = (inbox: ServerMessage[]) =>
  inbox.flatMap((message) => (message.message_type === 'WELCOME' ? [message.content.peer_id] : []));
const errors = (inbox: ServerMessage[]) => inbox.flatMap((message) => (message.message_type === 'ERROR' ? [message.content.code] : []));

describe('createSignalingSession', () => {
  it('draws a new peer id when the first one is already seated in the room', async () => {
    const ids = ['same', 'same', 'other'];
    const { rooms, session } = harness({ newPeerId: () => ids.shift() ?? 'spare' });
    const a = session();
    const b = session();

    await a.join('room-1');
    await b.join('room-1');

    expect(welcomed(a.inbox)).toEqual(['same']);
    expect(welcomed(b.inbox)).toEqual(['other']);
    expect(await rooms.counts()).toEqual({ rooms: 1, peers: 2 });
  });

  it('gives up after a few clashes, takes no seat, and says to JOIN again', async () => {
    const { rooms, session } = harness({ newPeerId: () => 'same' });
    const a = session();
    const b = session();
    await a.join('room-1');

    await b.join('room-1');

    expect(errors(b.inbox)).toEqual(['ROOM_FULL']);
    expect(JSON.stringify(b.inbox)).toContain('send JOIN again');
    expect(await rooms.counts()).toEqual({ rooms: 1, peers: 1 });
    // None of the refused attempts (tokens t2 to t4; A has t1) left a token that seats anyone.
    const nobody = { send: () => true, sendText: () => true, evict: () => {} };
    for (const token of ['t2', 't3', 't4']) expect(await rooms.resume(token, 'room-1', nobody)).toBeUndefined();
    expect(await rooms.resume('t1', 'room-1', nobody)).toBeDefined();
  });

  it('asks the room quota only for a JOIN that would create a room, and takes no seat when refused', async () => {
    let asked = 0;
    let ids = 0;
    const { rooms, session } = harness({ newPeerId: () => `p${(ids += 1)}`, mayCreateRoom: () => (asked += 1) <= 1 });
    const a = session();
    const b = session();
    const c = session();

    await a.join('room-1');
    await b.join('room-1');
    await c.join('room-2');

    expect(asked).toBe(2);
    expect(welcomed(b.inbox)).toHaveLength(1);
    expect(errors(c.inbox)).toEqual(['RATE_LIMITED']);
    expect(await rooms.counts()).toEqual({ rooms: 1, peers: 2 });
    expect(await rooms.has('room-2')).toBe(false);
  });
});
