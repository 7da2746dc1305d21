/**
 * The figures `GET /metrics` shows, in Prometheus text format. One registry per app, so that
 * several apps in one process (tests, benchmarks) never count into each other.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ErrorCode } from '../shared/errorCodes.js';
import type { StoreEvents } from './roomStore.js';
import type { SessionObserver } from './signalingSession.js';

/** How often the event loop's delay is sampled for `nodejs_eventloop_lag_*`. */
export const EVENT_LOOP_SAMPLE_MS = 100;

export interface SignalingMetrics {
  readonly registry: Registry;
  readonly session: SessionObserver;
  readonly store: StoreEvents;
  rateLimitClosed(): void;
  /** Where the live figures come from, read at each scrape. */
  watch(sources: { openSockets(): number; counts(): Promise<{ rooms: number; peers: number }> }): void;
}

export function createSignalingMetrics(): SignalingMetrics {
  const registry = new Registry();
  // Not prom-client's default of 10 ms: that sampling timer alone woke an idle node some 200
  // times a second (about 1% of a core for nothing), and a scrape every few seconds still gets
  // tens of samples at EVENT_LOOP_SAMPLE_MS.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  let sources: Parameters<SignalingMetrics['watch']>[0] = { openSockets: () => 0, counts: async () => ({ rooms: 0, peers: 0 }) };

  new Gauge({
    name: 'peercall_open_sockets',
    help: 'Signaling sockets open on this node.',
    registers: [registry],
    collect() {
      this.set(sources.openSockets());
    },
  });
  new Gauge({
    name: 'peercall_rooms',
    help: 'Rooms with at least one seat (of the whole deployment when nodes share Redis).',
    registers: [registry],
    async collect() {
      this.set((await sources.counts()).rooms);
    },
  });
  new Gauge({
    name: 'peercall_peers',
    help: 'Seated peers, held seats included (of the whole deployment when nodes share Redis).',
    registers: [registry],
    async collect() {
      this.set((await sources.counts()).peers);
    },
  });
  // Counted in plain numbers and handed to the counter at each scrape: a labelled inc() hashes
  // and checks its labels, on every relayed message.
  const relayedCounts = { SDP: 0, CANDIDATE: 0 };
  new Counter({
    name: 'peercall_relayed_messages_total',
    help: 'Messages relayed from one peer to another, by type.',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, count] of Object.entries(relayedCounts)) this.inc({ type }, count);
    },
  });
  const errors = new Counter({ name: 'peercall_errors_total', help: 'ERROR messages sent to clients, by code.', labelNames: ['code'], registers: [registry] });
  const resumes = new Counter({ name: 'peercall_resumes_total', help: 'Held seats taken back with their token, or expired unclaimed.', labelNames: ['outcome'], registers: [registry] });
  const rateLimitCloses = new Counter({ name: 'peercall_rate_limit_closes_total', help: 'Sockets closed (1008) for exceeding the rate limit.', registers: [registry] });
  const redisRoundTrip = new Histogram({
    name: 'peercall_redis_round_trip_seconds',
    help: 'Round trip to Redis of each lease renewal (a small script, a few times a second).',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1],
    registers: [registry],
  });
  // Zero from the start, so that a scrape shows every series before anything happened.
  for (const outcome of ['taken_back', 'expired']) resumes.inc({ outcome }, 0);

  return {
    registry,
    session: {
      relayed: (type) => {
        relayedCounts[type] += 1;
      },
      error: (code: ErrorCode) => errors.inc({ code }),
      resumed: () => resumes.inc({ outcome: 'taken_back' }),
    },
    store: {
      seatsExpired: (count) => resumes.inc({ outcome: 'expired' }, count),
      roundTrip: (seconds) => redisRoundTrip.observe(seconds),
    },
    rateLimitClosed: () => rateLimitCloses.inc(),
    watch(next) {
      sources = next;
    },
  };
}
