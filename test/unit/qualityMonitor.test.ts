/**
 * The quality monitor: a read of every person's statistics once a second while someone is in
 * the call, a minute of history each, and no timer left once the roster is empty (the call ended).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Person } from '../../src/client/machine/roster.js';
import { createQualityMonitor, HISTORY_LENGTH, INTERVAL_MS, type PersonQuality, type StatsSource } from '../../src/client/quality/qualityMonitor.js';

const person = (key: string, name: string, status: Person['status'] = 'connected'): Person => ({
  key, peerId: `id-${key}`, name, polite: false, status, relayRefused: false, encryptionFailed: false, leaving: false, problem: null,
  media: { audio: true, video: true, screen: false }, verificationCode: null,
});

/** A connection whose video keeps coming: each read has a second more of packets. */
function flowingConnection(rttSeconds = 0.02): StatsSource & { reads: number } {
  const source = {
    reads: 0,
    async getStats() {
      source.reads += 1;
      const at = source.reads * 1_000;
      return new Map<string, unknown>([
        ['T', { id: 'T', type: 'transport', selectedCandidatePairId: 'P', timestamp: at }],
        ['P', { id: 'P', type: 'candidate-pair', currentRoundTripTime: rttSeconds, timestamp: at }],
        ['V', { id: 'V', type: 'inbound-rtp', kind: 'video', packetsReceived: 90 * source.reads, bytesReceived: 50_000 * source.reads, timestamp: at }],
      ]);
    },
  };
  return source;
}

describe('the quality monitor', () => {
  let updates: PersonQuality[][];
  const latest = () => updates.at(-1) ?? [];
  const second = () => vi.advanceTimersByTimeAsync(INTERVAL_MS);

  beforeEach(() => {
    vi.useFakeTimers();
    updates = [];
  });
  afterEach(() => vi.useRealTimers());

  it('reads each person once a second and judges the connection from the second read on', async () => {
    const alice = flowingConnection();
    const bob = flowingConnection(0.5);
    const monitor = createQualityMonitor(new Map([['person-1', alice], ['person-2', bob]]), (people) => updates.push([...people]));

    monitor.follow([person('person-1', 'Alice'), person('person-2', 'Bob')]);
    // Shown at once, not yet measured.
    expect(latest().map((p) => [p.name, p.level])).toEqual([['Alice', null], ['Bob', null]]);

    await second();
    await second();
    expect([alice.reads, bob.reads]).toEqual([2, 2]);
    expect(latest().map((p) => [p.name, p.level])).toEqual([['Alice', 'excellent'], ['Bob', 'poor']]);
    expect(latest()[0]?.quality?.bitrateIn).toBeCloseTo(400_000);
    expect(latest()[0]?.history.map((sample) => sample.rttMs)).toEqual([20, 20]);
    monitor.stop();
  });

  it('keeps one minute of history', async () => {
    const monitor = createQualityMonitor(new Map([['person-1', flowingConnection()]]), (people) => updates.push([...people]));
    monitor.follow([person('person-1', 'Alice')]);
    for (let tick = 0; tick < HISTORY_LENGTH + 5; tick += 1) await second();
    expect(latest()[0]?.history).toHaveLength(HISTORY_LENGTH);
    monitor.stop();
  });

  it('stops its timer when the call ends, and reads nothing after', async () => {
    const alice = flowingConnection();
    const monitor = createQualityMonitor(new Map([['person-1', alice]]), (people) => updates.push([...people]));
    monitor.follow([person('person-1', 'Alice')]);
    await second();
    expect(vi.getTimerCount()).toBe(1);

    // Hang up: the call machine's roster empties.
    monitor.follow([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(latest()).toEqual([]);
    const reads = alice.reads;
    await vi.advanceTimersByTimeAsync(10 * INTERVAL_MS);
    expect(alice.reads).toBe(reads);

    // A new call starts it again.
    monitor.follow([person('person-2', 'Bob')]);
    expect(vi.getTimerCount()).toBe(1);
    monitor.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows a given-up connection as lost, and a person without a connection as not measured', async () => {
    const monitor = createQualityMonitor(new Map([['person-1', flowingConnection()]]), (people) => updates.push([...people]));
    monitor.follow([person('person-1', 'Alice', 'failed'), person('person-2', 'Bob', 'negotiating')]);
    await second();
    await second();
    expect(latest().map((p) => [p.name, p.level, p.quality])).toEqual([
      ['Alice', 'lost', expect.anything()],
      ['Bob', null, null],
    ]);
    monitor.stop();
  });

  it('starts over with a rebuilt connection, and forgets people who left', async () => {
    const connections = new Map<string, StatsSource>([['person-1', flowingConnection()]]);
    const monitor = createQualityMonitor(connections, (people) => updates.push([...people]));
    monitor.follow([person('person-1', 'Alice'), person('person-2', 'Bob')]);
    await second();
    await second();
    expect(latest()[0]?.level).toBe('excellent');

    connections.set('person-1', flowingConnection());
    await second();
    // One read of the new connection: nothing to compare it with yet.
    expect(latest()[0]?.level).toBeNull();

    monitor.follow([person('person-2', 'Bob')]);
    expect(latest().map((p) => p.name)).toEqual(['Bob']);
    monitor.stop();
  });

  it('does not fall over when a connection has no statistics any more', async () => {
    const closed: StatsSource = { getStats: () => Promise.reject(new Error('closed')) };
    const monitor = createQualityMonitor(new Map([['person-1', closed]]), (people) => updates.push([...people]));
    monitor.follow([person('person-1', 'Alice')]);
    await second();
    expect(latest()[0]).toMatchObject({ name: 'Alice', quality: null, level: null });
    monitor.stop();
  });
});
