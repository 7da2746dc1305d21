/**
 * The resume table on its own: what a held seat does with deliveries, when it expires, how a
 * resume rotates the token and takes the seat from an older connection. Fake timers stand in
 * for the grace period.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../src/shared/messages.js';
import { createResumeTable, type Occupant } from '../../src/server/resumeTable.js';
import type { Seat } from '../../src/server/rooms.js';

const GRACE_MS = 1_000;
const note = (n: number): ServerMessage => ({ message_type: 'CANDIDATE', content: { candidate: `c${n}` }, from: 'them' });

/** A connection that records what it was sent, can be made to fail, and notes its eviction. */
function fakeOccupant() {
  const sent: ServerMessage[] = [];
  const occupant = {
    sent,
    open: true,
    evicted: 0,
    send(message: ServerMessage) {
      if (!occupant.open) return false;
      sent.push(message);
      return true;
    },
    evict() {
      occupant.evicted += 1;
    },
  } satisfies Occupant & Record<string, unknown>;
  return occupant;
}

function setup(maxQueued = 100, maxQueuedChars = 1_000_000) {
  let counter = 0;
  const expired: Seat[] = [];
  const table = createResumeTable({
    graceMs: GRACE_MS,
    maxQueued,
    maxQueuedChars,
    newToken: () => `token-${(counter += 1)}`,
    expire: (seat) => expired.push(seat),
  });
  return { table, expired };
}

const identity = { peerId: 'p1', name: 'Ann', room: 'room-1' };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createResumeTable', () => {
  it('delivers straight to the attached connection', () => {
    const { table } = setup();
    const first = fakeOccupant();
    const { seat } = table.open(identity, first);

    seat.deliver(note(1));

    expect(first.sent).toEqual([note(1)]);
    expect(seat).toMatchObject(identity);
  });

  it('holds a released seat: deliveries wait, and a resume gets them in order with a new token', () => {
    const { table, expired } = setup();
    const opened = table.open(identity, fakeOccupant());
    table.release(opened);
    opened.seat.deliver(note(1));
    opened.seat.deliver(note(2));
    expect(table.heldCount()).toBe(1);

    const next = fakeOccupant();
    const resumed = table.resume(opened.token, 'room-1', next);

    expect(resumed?.tenancy.seat).toBe(opened.seat);
    expect(resumed?.tenancy.token).not.toBe(opened.token);
    expect(resumed?.backlog).toEqual([note(1), note(2)]);
    opened.seat.deliver(note(3));
    expect(next.sent).toEqual([note(3)]);
    vi.advanceTimersByTime(GRACE_MS * 5);
    expect(expired).toEqual([]);
    expect(table.heldCount()).toBe(0);
  });

  it('expires a held seat after the grace period, once, and its token stops working', () => {
    const { table, expired } = setup();
    const opened = table.open(identity, fakeOccupant());
    table.release(opened);

    vi.advanceTimersByTime(GRACE_MS - 1);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([opened.seat]);
    expect(table.resume(opened.token, 'room-1', fakeOccupant())).toBeUndefined();
    vi.advanceTimersByTime(GRACE_MS * 5);
    expect(expired).toHaveLength(1);
  });

  it('refuses a token of another room, an unknown token, and a used one', () => {
    const { table } = setup();
    const opened = table.open(identity, fakeOccupant());
    table.release(opened);

    expect(table.resume(opened.token, 'room-2', fakeOccupant())).toBeUndefined();
    expect(table.resume('token-999', 'room-1', fakeOccupant())).toBeUndefined();
    expect(table.resume(opened.token, 'room-1', fakeOccupant())).toBeDefined();
    expect(table.resume(opened.token, 'room-1', fakeOccupant())).toBeUndefined();
  });

  it('takes a seat from a connection still attached, evicting it, and ignores that stale tenancy afterwards', () => {
    const { table, expired } = setup();
    const old = fakeOccupant();
    const opened = table.open(identity, old);
    const next = fakeOccupant();

    const resumed = table.resume(opened.token, 'room-1', next);
    opened.seat.deliver(note(1));
    // The old connection's close comes later; it must neither hold nor drop the seat now.
    table.release(opened);
    expect(table.drop(opened)).toBe(false);

    expect(old.evicted).toBe(1);
    expect(old.sent).toEqual([]);
    expect(next.sent).toEqual([note(1)]);
    expect(resumed?.backlog).toEqual([]);
    vi.advanceTimersByTime(GRACE_MS * 5);
    expect(expired).toEqual([]);
  });

  it('holds a seat whose connection can no longer send, keeping the message that failed', () => {
    const { table } = setup();
    const closing = fakeOccupant();
    const opened = table.open(identity, closing);
    closing.open = false;

    opened.seat.deliver(note(1));
    opened.seat.deliver(note(2));
    // The socket's close event, when it comes, changes nothing.
    table.release(opened);

    expect(table.heldCount()).toBe(1);
    expect(table.resume(opened.token, 'room-1', fakeOccupant())?.backlog).toEqual([note(1), note(2)]);
  });

  it('frees the seat at once when its queue would overflow, rather than drop a message', () => {
    const { table, expired } = setup(3);
    const opened = table.open(identity, fakeOccupant());
    table.release(opened);

    for (let n = 1; n <= 3; n += 1) opened.seat.deliver(note(n));
    expect(expired).toEqual([]);
    opened.seat.deliver(note(4));

    expect(expired).toEqual([opened.seat]);
    expect(table.resume(opened.token, 'room-1', fakeOccupant())).toBeUndefined();
    // Later deliveries to the freed seat go nowhere and free nothing twice.
    opened.seat.deliver(note(5));
    expect(expired).toHaveLength(1);
  });

  it('frees the seat at once when the queued messages would exceed the character bound', () => {
    const { table, expired } = setup(100, 200);
    const opened = table.open(identity, fakeOccupant());
    table.release(opened);
    const big: ServerMessage = { message_type: 'SDP', content: { type: 'offer', sdp: 'v'.repeat(120) }, from: 'them' };

    opened.seat.deliver(big);
    expect(expired).toEqual([]);
    opened.seat.deliver(big);

    expect(expired).toEqual([opened.seat]);
  });

  it('forgets a dropped seat without expiring it (the caller frees it), and its token stops working', () => {
    const { table, expired } = setup();
    const opened = table.open(identity, fakeOccupant());

    expect(table.drop(opened)).toBe(true);
    expect(table.resume(opened.token, 'room-1', fakeOccupant())).toBeUndefined();
    expect(expired).toEqual([]);
  });

  it('on close, stops every timer and frees the held seats; later releases free at once', () => {
    const { table, expired } = setup();
    const held = table.open(identity, fakeOccupant());
    const attached = table.open({ ...identity, peerId: 'p2' }, fakeOccupant());
    table.release(held);
    expect(vi.getTimerCount()).toBe(1);

    table.close();

    expect(vi.getTimerCount()).toBe(0);
    expect(expired).toEqual([held.seat]);
    table.release(attached);
    expect(expired).toEqual([held.seat, attached.seat]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
