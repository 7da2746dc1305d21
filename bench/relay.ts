/**
 * Relay benchmark: R rooms of two sockets relaying offer/answer/candidate rounds, against
 *   - floor:     a bare `ws` relay with no validation (bench/floorRelay.ts),
 *   - floor on Fastify: the same relay as a route of Fastify and @fastify/websocket, the stack
 *                this server is built on, with nothing else: what the framework costs,
 *   - PeerJS:    PeerJS's signaling server (the `peer` package), the yardstick of the issue,
 *   - one node:  this server (dist/server/main.js), in memory,
 *   - two nodes: two of its processes sharing rooms through a real redis-server, each room's
 *                two sockets on different nodes,
 * all in one run, every figure also as a ratio to the floor. Closed loop (one message in flight
 * per room), then paced (BENCH_RATE messages a second offered in all), in BENCH_ROUNDS rounds:
 * every round measures every server, one after the other, so that the machine's load, which
 * comes and goes, weighs on all of them alike; each figure is the median of its rounds, and the
 * comparisons are medians of the rounds' own ratios. After the rounds, every server's CPU while
 * its rooms sit joined and silent (BENCH_IDLE_CPU_SECONDS, all at once). Then idle joined
 * sockets (5,000 and 10,000) on fresh processes, for the memory each one costs:
 * BENCH_MEMORY_RUNS processes of each server, taking turns like the rounds, and the median of
 * them. Each process first joins and closes
 * BENCH_WARM sockets, so that what the first joins cost once (compiling the join path, the first
 * pages of each heap space) is not counted per socket; the figure from before that warm-up is
 * shown too ("from a cold start"), and so is each process's whole resident memory, which counts
 * what a server holds before its first socket. Servers run as their own processes on plain node
 * (the others compiled by bench/compiledProcesses.ts); their CPU time and resident memory come
 * from /proc.
 *
 *   npm run bench:relay   (BENCH_ROOMS=20 BENCH_SECONDS=4 BENCH_RATE=2000 BENCH_ROUNDS=5
 *                          BENCH_IDLE=5000,10000 BENCH_MEMORY_RUNS=3 BENCH_WARM=200
 *                          BENCH_IDLE_CPU_SECONDS=30)
 *
 * BENCH_COMPARE_SERVER=<dir> adds another build's server (<dir>/server/main.js, e.g. a copy of
 * an older dist/) as one more node in the same run, for before/after figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/freePort.js';
import { startRedis, type RedisServer } from '../test/server/support/redisServer.js';
import { stopChild } from '../test/server/support/stopChild.js';
import { removeOwn } from '../test/support/testResources.js';
import { compiledProcess } from './compiledProcesses.js';
import { cpuMicros, rssBytes } from './processStats.js';
import { closeAll, closedLoop, IDLE_SETTLE_MS, openIdle, openPairs, openSocket, paced, peerCallProtocol, peerJsProtocol, percentile, type LoadResult, type Pair, type Protocol } from './relayLoad.js';

const ROOMS = Number(process.env.BENCH_ROOMS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IDLE = (process.env.BENCH_IDLE ?? '5000,10000').split(',').map(Number);
const MEMORY_RUNS = Number(process.env.BENCH_MEMORY_RUNS ?? 3);
const WARM = Number(process.env.BENCH_WARM ?? 200);
const IDLE_CPU_SECONDS = Number(process.env.BENCH_IDLE_CPU_SECONDS ?? 30);

const mainJs = fileURLToPath(new URL('../dist/server/main.js', import.meta.url));
// The limits are for people, not for a benchmark's sockets from one address.
const UNLIMITED = { RATE_LIMIT_BURST: '100000', RATE_LIMIT_PER_SECOND: '100000', MAX_SOCKETS_PER_IP: '100000', MAX_NEW_ROOMS_PER_IP: '100000', LOG_LEVEL: 'warn' };

interface Running {
  urls: string[];
  pids: number[];
  stop(): Promise<void>;
}

async function launch(args: string[], port: number, env: Record<string, string> = {}, path = '/ws'): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `ws://127.0.0.1:${port}${path}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with code ${child.exitCode}.`);
    try {
      (await openSocket(url)).terminate();
      return { child, url };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not accept sockets on ${url} within 20 s.`);
}

interface Target {
  name: string;
  protocol: Protocol;
  start(): Promise<Running>;
  /** Extra processes whose CPU is reported apart (Redis). */
  helperPid?(): number | undefined;
}

let redis: RedisServer | undefined;
const compareJs = process.env.BENCH_COMPARE_SERVER ? join(process.env.BENCH_COMPARE_SERVER, 'server', 'main.js') : undefined;

const targets: Target[] = [
  {
    name: 'floor (bare ws)',
    protocol: peerCallProtocol,
    async start() {
      const port = await freePort();
      const { child, url } = await launch([await compiledProcess('floorRelayProcess'), String(port)], port);
      return { urls: [url, url], pids: [child.pid!], stop: () => stopChild(child, 'SIGKILL') };
    },
  },
  {
    name: 'floor on Fastify',
    protocol: peerCallProtocol,
    async start() {
      const port = await freePort();
      const { child, url } = await launch([await compiledProcess('floorRelayProcess'), String(port), 'fastify'], port);
      return { urls: [url, url], pids: [child.pid!], stop: () => stopChild(child, 'SIGKILL') };
    },
  },
  {
    name: 'PeerJS server',
    protocol: peerJsProtocol,
    async start() {
      const port = await freePort();
      const { child, url } = await launch([await compiledProcess('peerJsProcess'), String(port)], port, {}, '/peerjs');
      return { urls: [url, url], pids: [child.pid!], stop: () => stopChild(child, 'SIGKILL') };
    },
  },
  {
    name: 'one node',
    protocol: peerCallProtocol,
    async start() {
      const port = await freePort();
      const { child, url } = await launch([mainJs], port, UNLIMITED);
      return { urls: [url, url], pids: [child.pid!], stop: () => stopChild(child, 'SIGKILL') };
    },
  },
  {
    name: 'two nodes + Redis',
    protocol: peerCallProtocol,
    async start() {
      redis = await startRedis();
      const env = { ...UNLIMITED, REDIS_URL: redis.url };
      const nodes = [await launch([mainJs], await freePort(), env), await launch([mainJs], await freePort(), env)];
      return {
        urls: nodes.map((node) => node.url),
        pids: nodes.map((node) => node.child.pid!),
        async stop() {
          for (const node of nodes) await stopChild(node.child, 'SIGKILL');
          await redis?.stop();
          redis = undefined;
        },
      };
    },
    helperPid: () => redis?.pid,
  },
  ...(compareJs
    ? [
        {
          name: `one node (${process.env.BENCH_COMPARE_SERVER})`,
          protocol: peerCallProtocol,
          async start() {
            const port = await freePort();
            const { child, url } = await launch([compareJs], port, UNLIMITED);
            return { urls: [url, url], pids: [child.pid!], stop: () => stopChild(child, 'SIGKILL') };
          },
        } satisfies Target,
      ]
    : []),
];

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const cpuOf = async (pids: number[]) => sum(await Promise.all(pids.map(cpuMicros)));
const rssOf = async (pids: number[]) => sum(await Promise.all(pids.map(rssBytes)));
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Phase {
  rate: number;
  cpuPerMessage: number;
  helperPerMessage: number;
  p50: number;
  p99: number;
}

interface IdleMemory {
  /** Bytes per idle socket at each IDLE count, after the warm-up (median of the processes). */
  idleBytes: number[];
  /** The same, counted from before the warm-up. */
  coldBytes: number[];
  /** The server's whole resident memory at each IDLE count: what a host must have for them. */
  residentBytes: number[];
}

interface Figures extends IdleMemory {
  closed: Phase[];
  paced: Phase[];
  /** Server CPU while the rooms sit joined and silent after the rounds, in ms a second. */
  idleCpuMsPerSecond: number;
}

async function measure(run: Running, helper: number | undefined, load: () => Promise<LoadResult>): Promise<Phase> {
  const cpuBefore = await cpuOf(run.pids);
  const helperBefore = helper ? await cpuMicros(helper) : 0;
  const result = await load();
  const cpu = (await cpuOf(run.pids)) - cpuBefore;
  const helperCpu = helper ? (await cpuMicros(helper)) - helperBefore : 0;
  return {
    rate: result.messages / (result.elapsedMs / 1000),
    cpuPerMessage: cpu / result.messages,
    helperPerMessage: helperCpu / result.messages,
    p50: percentile(result.latenciesMs, 50),
    p99: percentile(result.latenciesMs, 99),
  };
}

/** Every target running at once, each with its rooms; the rounds take turns between them. */
async function relayRounds(): Promise<Array<Pick<Figures, 'closed' | 'paced' | 'idleCpuMsPerSecond'>>> {
  const running: Array<{ target: Target; run: Running; pairs: Pair[] }> = [];
  try {
    for (const target of targets) {
      const run = await target.start();
      running.push({ target, run, pairs: [] });
      const pairs = await openPairs(target.protocol, run.urls[0]!, run.urls[1]!, ROOMS, 'bench');
      running.at(-1)!.pairs = pairs;
      await closedLoop(target.protocol, pairs, 1_000); // warm-up: the JIT, the scripts in Redis
    }
    const figures = running.map(() => ({ closed: [] as Phase[], paced: [] as Phase[] }));
    for (let round = 1; round <= ROUNDS; round += 1) {
      console.log(`… round ${round} of ${ROUNDS}`);
      for (const [n, { target, run, pairs }] of running.entries()) {
        figures[n]!.closed.push(await measure(run, target.helperPid?.(), () => closedLoop(target.protocol, pairs, SECONDS * 1000)));
        figures[n]!.paced.push(await measure(run, target.helperPid?.(), () => paced(target.protocol, pairs, RATE, SECONDS * 1000)));
      }
    }
    // Then every server at once with its rooms still joined and nothing sent: what a node costs
    // between calls (timers, heartbeats). Once the load has stopped, a few seconds for the
    // collections it leaves behind.
    await settle(5_000);
    const before = await Promise.all(running.map(({ run }) => cpuOf(run.pids)));
    await settle(IDLE_CPU_SECONDS * 1000);
    const after = await Promise.all(running.map(({ run }) => cpuOf(run.pids)));
    return figures.map((f, n) => ({ ...f, idleCpuMsPerSecond: (after[n]! - before[n]!) / 1000 / IDLE_CPU_SECONDS }));
  } finally {
    for (const { run, pairs } of running.reverse()) {
      await closeAll(pairs.flatMap((pair) => [pair.a, pair.b]));
      await run.stop();
    }
  }
}

/** Memory on a fresh process, so the relay runs leave nothing in the figure. */
async function idleMemory(target: Target): Promise<IdleMemory> {
  const run = await target.start();
  try {
    await settle(1_000);
    const cold = await rssOf(run.pids);
    if (WARM > 0) {
      await closeAll(await openIdle(target.protocol, run.urls, WARM, 'warm'));
      await settle(1_000);
    }
    const base = await rssOf(run.pids);
    const idle: Awaited<ReturnType<typeof openIdle>> = [];
    const memory: IdleMemory = { idleBytes: [], coldBytes: [], residentBytes: [] };
    for (const count of IDLE) {
      idle.push(...(await openIdle(target.protocol, run.urls, count - idle.length, `idle-${idle.length}`)));
      await settle(IDLE_SETTLE_MS);
      const rss = await rssOf(run.pids);
      memory.idleBytes.push((rss - base) / count);
      memory.coldBytes.push((rss - cold) / count);
      memory.residentBytes.push(rss);
    }
    await closeAll(idle);
    return memory;
  } finally {
    await run.stop();
  }
}

/** MEMORY_RUNS fresh processes of every target, taking turns; the median of each figure. */
async function idleMemoryRuns(): Promise<IdleMemory[]> {
  const runs = targets.map(() => [] as IdleMemory[]);
  for (let n = 1; n <= MEMORY_RUNS; n += 1) {
    for (const [t, target] of targets.entries()) {
      console.log(`… idle sockets, process ${n} of ${MEMORY_RUNS}: ${target.name}`);
      runs[t]!.push(await idleMemory(target));
    }
  }
  const each = (memories: IdleMemory[], pick: (memory: IdleMemory) => number[]) => IDLE.map((_, i) => median(memories.map((memory) => pick(memory)[i] ?? NaN)));
  return runs.map((memories) => ({
    idleBytes: each(memories, (m) => m.idleBytes),
    coldBytes: each(memories, (m) => m.coldBytes),
    residentBytes: each(memories, (m) => m.residentBytes),
  }));
}

const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** The median of one figure over the rounds. */
const med = (phases: readonly Phase[], pick: (phase: Phase) => number) => median(phases.map(pick));
/** Round by round, `a` over `b` (or minus, for latencies), and their median. */
function paired(a: readonly Phase[], b: readonly Phase[], pick: (phase: Phase) => number, combine: (x: number, y: number) => number) {
  const each = a.map((phase, n) => combine(pick(phase), pick(b[n]!)));
  return { median: median(each), each };
}

/** Bytes per socket between the first and the last idle count. */
function marginal(f: Figures): number {
  const first = IDLE[0]!;
  const last = IDLE.at(-1)!;
  return ((f.idleBytes.at(-1) ?? NaN) * last - (f.idleBytes[0] ?? NaN) * first) / (last - first);
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const ratio = (value: number, floor: number) => `${fixed(value)} (${fixed(value / floor, 2)}x)`;

async function main() {
  console.log(
    `relay benchmark: ${ROOMS} rooms of 2, ${ROUNDS} rounds of ${SECONDS} s closed loop and ${SECONDS} s paced at ${RATE} msg/s (medians), idle sockets ${IDLE.join(' and ')}`,
  );
  const relay = await relayRounds();
  const memory = await idleMemoryRuns();
  const results: Array<[string, Figures]> = targets.map((target, n) => [target.name, { ...relay[n]!, ...memory[n]! }]);
  const floor = results[0]![1];
  const rows = [
    ['closed loop: msg/s', (f: Figures) => ratio(med(f.closed, (p) => p.rate), med(floor.closed, (p) => p.rate))],
    ['closed loop: server CPU µs/msg', (f: Figures) => ratio(med(f.closed, (p) => p.cpuPerMessage), med(floor.closed, (p) => p.cpuPerMessage))],
    ['closed loop: latency p50 / p99 ms', (f: Figures) => `${fixed(med(f.closed, (p) => p.p50), 2)} / ${fixed(med(f.closed, (p) => p.p99), 2)}`],
    [`paced ${RATE}/s: delivered msg/s`, (f: Figures) => fixed(med(f.paced, (p) => p.rate), 0)],
    [`paced ${RATE}/s: server CPU µs/msg`, (f: Figures) => ratio(med(f.paced, (p) => p.cpuPerMessage), med(floor.paced, (p) => p.cpuPerMessage))],
    [`paced ${RATE}/s: latency p50 / p99 ms`, (f: Figures) => `${fixed(med(f.paced, (p) => p.p50), 2)} / ${fixed(med(f.paced, (p) => p.p99), 2)}`],
    [`idle, ${ROOMS * 2} joined sockets: server CPU ms/s`, (f: Figures) => fixed(f.idleCpuMsPerSecond, 2)],
    ['Redis CPU µs/msg (closed loop)', (f: Figures) => (med(f.closed, (p) => p.helperPerMessage) > 0 ? fixed(med(f.closed, (p) => p.helperPerMessage)) : '-')],
    ...IDLE.map((count, n) => [`memory per idle joined socket, ${count} (KB)`, (f: Figures) => ratio((f.idleBytes[n] ?? NaN) / 1024, (floor.idleBytes[n] ?? NaN) / 1024)] as const),
    ...IDLE.map((count, n) => [`… from a cold start, ${count} (KB)`, (f: Figures) => ratio((f.coldBytes[n] ?? NaN) / 1024, (floor.coldBytes[n] ?? NaN) / 1024)] as const),
    // The slope between the two counts: what one more socket costs, without the fixed growth
    // (V8's young generation, code) that the first thousand sockets bring.
    ...(IDLE.length >= 2 ? [[`memory per added socket, ${IDLE[0]} → ${IDLE.at(-1)} (KB)`, (f: Figures) => ratio(marginal(f) / 1024, marginal(floor) / 1024)] as const] : []),
    // The whole process, start-up included: a per-socket figure counts none of what a server
    // holds before its first socket, and so favours one that starts big.
    ...IDLE.map((count, n) => [`resident memory with ${count} idle joined sockets (MB)`, (f: Figures) => ratio((f.residentBytes[n] ?? NaN) / 2 ** 20, (floor.residentBytes[n] ?? NaN) / 2 ** 20)] as const),
  ] as const;
  console.log('');
  console.log(`| figure | ${results.map(([name]) => name).join(' | ')} |`);
  console.log(`| --- |${results.map(() => ' --- |').join('')}`);
  for (const [label, format] of rows) console.log(`| ${label} | ${results.map(([, figures]) => format(figures)).join(' | ')} |`);
  const [, fastifyFloor, peerJs, one, two] = results.map(([, figures]) => figures) as [Figures, Figures, Figures, Figures, Figures];
  const over = (x: number, y: number) => x / y;
  const minus = (x: number, y: number) => x - y;
  const listed = (each: number[], digits: number, unit: string) => each.map((value) => `${fixed(value, digits)}${unit}`).join(', ');
  const cpuClosed = paired(one.closed, peerJs.closed, (p) => p.cpuPerMessage, over);
  const cpuPaced = paired(one.paced, peerJs.paced, (p) => p.cpuPerMessage, over);
  const latencyPaced = paired(two.paced, one.paced, (p) => p.p50, minus);
  const latencyClosed = paired(two.closed, one.closed, (p) => p.p50, minus);
  console.log('');
  console.log(`one node against PeerJS, CPU per message: ${fixed(cpuClosed.median, 2)}x closed loop (rounds: ${listed(cpuClosed.each, 2, 'x')}), ${fixed(cpuPaced.median, 2)}x paced (rounds: ${listed(cpuPaced.each, 2, 'x')})`);
  console.log(`idle, ${ROOMS * 2} joined sockets, server CPU: one node ${fixed(one.idleCpuMsPerSecond, 2)} ms/s, PeerJS ${fixed(peerJs.idleCpuMsPerSecond, 2)} ms/s (over ${IDLE_CPU_SECONDS} s)`);
  const memoryRatios = (f: Figures, pick: (f: Figures) => number[], base = peerJs) =>
    IDLE.map((count, n) => `${fixed((pick(f)[n] ?? NaN) / (pick(base)[n] ?? NaN), 2)}x at ${count}`).join(', ');
  console.log(
    `one node against PeerJS, memory per idle socket: ${memoryRatios(one, (f) => f.idleBytes)} (from a cold start: ${memoryRatios(one, (f) => f.coldBytes)})`,
  );
  console.log(`one node against PeerJS, resident memory with the idle sockets: ${memoryRatios(one, (f) => f.residentBytes)}`);
  console.log(
    `one node against the floor on Fastify, memory per idle socket: ${memoryRatios(one, (f) => f.idleBytes, fastifyFloor)}; PeerJS against it: ${memoryRatios(peerJs, (f) => f.idleBytes, fastifyFloor)}`,
  );
  const compared = results[5]?.[1];
  if (compared) {
    const before = (phases: (f: Figures) => Phase[]) => paired(phases(compared), phases(peerJs), (p) => p.cpuPerMessage, over);
    const [closedBefore, pacedBefore] = [before((f) => f.closed), before((f) => f.paced)];
    console.log(
      `${results[5]![0]} against PeerJS, CPU per message: ${fixed(closedBefore.median, 2)}x closed loop (rounds: ${listed(closedBefore.each, 2, 'x')}), ${fixed(pacedBefore.median, 2)}x paced (rounds: ${listed(pacedBefore.each, 2, 'x')}); ` +
        `memory per idle socket ${memoryRatios(compared, (f) => f.idleBytes)} (from a cold start: ${memoryRatios(compared, (f) => f.coldBytes)})`,
    );
  }
  console.log(
    `Redis relay latency overhead over one node, p50: ${fixed(latencyPaced.median, 2)} ms paced (rounds: ${listed(latencyPaced.each, 2, ' ms')}), ${fixed(latencyClosed.median, 2)} ms closed loop (rounds: ${listed(latencyClosed.each, 2, ' ms')})`,
  );
}

try {
  await main();
} finally {
  // Redis's folder, under this process's record (test/support/testResources.ts).
  removeOwn();
}
