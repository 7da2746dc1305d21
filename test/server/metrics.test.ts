/** `GET /metrics`: what an operator's Prometheus scrapes, and that the figures follow what happens. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, pair, startServer, waitUntil, type TestServer } from './helpers.js';
import { startRedis, type RedisServer } from './support/redisServer.js';
import { EVENT_LOOP_SAMPLE_MS } from '../../src/server/metrics.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 15_000);
afterAll(async () => {
  await redis?.stop();
});
afterEach(closeAll);

/** The scrape as `name{labels}` → value, e.g. `peercall_errors_total{code="NOT_JOINED"}`. */
async function scrape(server: TestServer): Promise<{ type: string; values: Map<string, number> }> {
  const response = await fetch(`${server.origin}/metrics`);
  expect(response.status).toBe(200);
  const values = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return { type: response.headers.get('content-type') ?? '', values };
}

const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

describe('GET /metrics', () => {
  it('shows sockets, rooms, peers, relayed messages, errors, resumes and rate-limit closes, moving as they happen', async () => {
    const server = await startServer({ resumeGraceMs: 200, rateLimitBurst: 10, rateLimitPerSecond: 1 });
    const before = await scrape(server);
    expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(before.values.get('peercall_open_sockets')).toBe(0);
    expect(before.values.get('peercall_rooms')).toBe(0);
    expect(before.values.get('peercall_relayed_messages_total{type="SDP"}')).toBe(0);
    expect(before.values.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(before.values.has('nodejs_heap_size_used_bytes')).toBe(true);

    const { a, b, idB } = await pair(server);
    a.send({ message_type: 'SDP', content: { type: 'offer', sdp: 'v=0\r\n' }, to: idB });
    await b.next('SDP');
    for (let n = 0; n < 3; n += 1) a.send({ message_type: 'CANDIDATE', content: candidate, to: idB });
    for (let n = 0; n < 3; n += 1) await b.next('CANDIDATE');
    const stranger = await server.connect();
    stranger.send({ message_type: 'CANDIDATE', content: candidate });
    await stranger.next('ERROR');
    const during = await scrape(server);

    expect(during.values.get('peercall_open_sockets')).toBe(3);
    expect(during.values.get('peercall_rooms')).toBe(1);
    expect(during.values.get('peercall_peers')).toBe(2);
    expect(during.values.get('peercall_relayed_messages_total{type="SDP"}')).toBe(1);
    expect(during.values.get('peercall_relayed_messages_total{type="CANDIDATE"}')).toBe(3);
    expect(during.values.get('peercall_errors_total{code="NOT_JOINED"}')).toBe(1);

    // A resume taken back, then one that runs out.
    const token = a.all('WELCOME')[0]!.content.resume;
    a.ws.terminate();
    await server.openSockets(2);
    const a2 = await server.connect();
    await a2.join('room-1', 'Ann', token);
    b.ws.terminate();
    await b.closed;
    await a2.next('PEER_LEFT', 5_000);
    // A flood on the stranger's socket: answered with RATE_LIMITED, then closed.
    for (let n = 0; n < 60; n += 1) stranger.send({ message_type: 'LEAVE' });
    await stranger.closed;
    await waitUntil(() => server.app.signalingSockets.size === 1, 'the flooding socket to be gone');
    const after = await scrape(server);

    expect(after.values.get('peercall_resumes_total{outcome="taken_back"}')).toBe(1);
    expect(after.values.get('peercall_resumes_total{outcome="expired"}')).toBe(1);
    expect(after.values.get('peercall_rate_limit_closes_total')).toBe(1);
    expect(after.values.get('peercall_errors_total{code="RATE_LIMITED"}')).toBeGreaterThanOrEqual(1);
    expect(after.values.get('peercall_open_sockets')).toBe(1);
    expect(after.values.get('peercall_peers')).toBe(1);
  });

  it('shows a stalled event loop in the process figures', async () => {
    const server = await startServer();
    // The first scrape starts the delay figures afresh (prom-client resets them at each one).
    const before = await scrape(server);
    expect(before.values.get('nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.3);
    // A delay is measured from one sample to the next, and a reset forgets the last sample.
    await new Promise((resolve) => setTimeout(resolve, 2 * EVENT_LOOP_SAMPLE_MS));
    // Stall this process (the server runs in it) for 400 ms: a handler that blocks every call.
    const stalledUntil = Date.now() + 400;
    while (Date.now() < stalledUntil) {
      // busy on purpose
    }
    await new Promise((resolve) => setTimeout(resolve, 2 * EVENT_LOOP_SAMPLE_MS));
    const after = await scrape(server);
    expect(after.values.get('nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0.3);
  });

  it('shows the Redis round trip, and deployment-wide rooms, on a node that shares them', async () => {
    const settings = { redisUrl: redis.url, resumeGraceMs: 60_000 };
    const n1 = await startServer(settings);
    const n2 = await startServer(settings);
    const before = (await scrape(n2)).values.get('peercall_rooms') ?? 0;
    const a = await n1.connect();
    await a.join(`metrics-${process.pid}`);

    const seen = await scrape(n2);
    expect(seen.values.get('peercall_rooms')).toBe(before + 1);
    expect(seen.values.get('peercall_open_sockets')).toBe(0);
    expect(seen.values.get('peercall_redis_round_trip_seconds_count')).toBeGreaterThan(0);
    expect(seen.values.get('peercall_redis_round_trip_seconds_sum')).toBeGreaterThan(0);
  });
});
