/**
 * Call-setup benchmark: how long from the second person's Start until both are connected and
 * both see each other, each time against a yardstick measured in the same run.
 *
 *   npm run bench               (5 calls per line; BENCH_CALLS=N for more)
 *   BENCH_COMPARE_CLIENT=/path/to/other/dist/client npm run bench
 *                               (also times that build of the client, e.g. an earlier commit's)
 *
 * 1. Loopback, no delay: the app against two RTCPeerConnections inside one page (no server,
 *    no signaling), the floor any call on this machine can reach.
 * 2. An emulated network of 50 ms round-trip time (bench/emulatedNetwork.ts), media relayed by
 *    coturn over TCP, once steady and once with jitter: the app against a minimal hand-written
 *    page (bench/minimal/) with its own tiny relay, over the same network.
 */
import type { Browser } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app.js';
import type { IceServerConfig } from '../src/shared/messages.js';
import { FORCE_RELAY, expectRelayed, startEmulatedNetwork } from './emulatedNetwork.js';
import { launchBenchBrowser } from './benchBrowser.js';
import { median } from './median.js';
import { startMinimalServer } from './minimalServer.js';
import { onePageCall } from './onePageCall.js';
import { timedCall, type CallTimes } from './timedCall.js';

const CALLS = Math.max(1, Math.min(50, Number(process.env.BENCH_CALLS ?? 5)));
const RTT_MS = 50;
const clientDir = fileURLToPath(new URL('../dist/client/', import.meta.url));
// Another build of the client (e.g. `dist/client` of an earlier commit), timed in the same run
// on the emulated network, for a before/after figure under the same load.
const compareDir = process.env.BENCH_COMPARE_CLIENT;

async function startApp(iceServers: IceServerConfig[], dir = clientDir): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildApp({ clientDir: dir, iceServers });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : 0 };
}

const medians = (calls: CallTimes[]) => ({
  joined: median(calls.map((c) => c.joined)),
  connected: median(calls.map((c) => c.connected)),
  firstFrame: median(calls.map((c) => c.firstFrame)),
});
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const each = (calls: CallTimes[]) => calls.map((c) => `${c.connected.toFixed(0)}/${c.firstFrame.toFixed(0)}`).join(', ');

async function loopbackRun(browser: Browser) {
  const { app, port } = await startApp([]);
  const base = `http://127.0.0.1:${port}`;
  try {
    const calls: CallTimes[] = [];
    const baselines: number[] = [];
    // Interleaved, so a slow moment of the machine affects both sides alike.
    for (let n = 0; n < CALLS; n += 1) {
      baselines.push(await onePageCall(browser, base));
      calls.push(await timedCall(browser, base, `bench-${n}-${Date.now()}`));
    }
    const baseline = median(baselines);
    const { connected, firstFrame } = medians(calls);
    console.log(`\n## loopback, no delay (${CALLS} calls)`);
    console.log(`baseline, one page, no server (getUserMedia → first remote frame): median ${fmt(baseline)}`);
    console.log(`call, second Start → both connected:   median ${fmt(connected)}  (${(connected / baseline).toFixed(2)}× baseline)`);
    console.log(`call, second Start → both see video:   median ${fmt(firstFrame)}  (${(firstFrame / baseline).toFixed(2)}× baseline)`);
    console.log(`each call (connected / first frame, ms): ${each(calls)}`);
  } finally {
    await app.close();
  }
}

async function emulatedRun(browser: Browser, title: string, delayMs: number, jitterMs: number) {
  const network = await startEmulatedNetwork({ delayMs, jitterMs });
  const closers: (() => Promise<unknown>)[] = [() => network.close()];
  try {
    const minimal = await startMinimalServer(network.iceServers);
    closers.unshift(() => minimal.close());
    const pages: { name: string; base: string; calls: CallTimes[] }[] = [
      { name: 'minimal page', base: `http://127.0.0.1:${await network.delayed(minimal.port)}`, calls: [] },
    ];
    for (const [name, dir] of [['peer-call', clientDir], ...(compareDir ? [['compared', compareDir]] : [])] as const) {
      const started = await startApp(network.iceServers, dir);
      closers.unshift(() => started.app.close());
      pages.push({ name, base: `http://127.0.0.1:${await network.delayed(started.port)}`, calls: [] });
    }
    // Interleaved, so a slow moment of the machine affects every page alike.
    for (let n = 0; n < CALLS; n += 1) {
      for (const page of pages) page.calls.push(await timedCall(browser, page.base, `bench-${n}-${Date.now()}`, [FORCE_RELAY], expectRelayed));
    }
    const yardstick = medians(pages[0]!.calls);
    const cell = (ms: number, key: keyof CallTimes) =>
      `${fmt(ms)} (${(ms / RTT_MS).toFixed(1)} RTT, ${(ms / yardstick[key]).toFixed(2)}×)`.padEnd(30);
    console.log(`\n## ${title} (${CALLS} calls; RTT = ${RTT_MS} ms; × = against the minimal page)`);
    console.log(`${''.padEnd(14)}${'→ server answered'.padEnd(30)}${'→ both connected'.padEnd(30)}→ both see video`);
    for (const page of pages) {
      const times = medians(page.calls);
      console.log(`${page.name.padEnd(14)}${cell(times.joined, 'joined')}${cell(times.connected, 'connected')}${cell(times.firstFrame, 'firstFrame')}`);
    }
    for (const page of pages) console.log(`each call, ${page.name} (connected / first frame, ms): ${each(page.calls)}`);
  } finally {
    for (const close of closers) await close();
  }
}

const browser = await launchBenchBrowser();
try {
  await loopbackRun(browser);
  await emulatedRun(browser, '50 ms RTT (25 ms each way), media relayed by coturn over TCP', RTT_MS / 2, 0);
  await emulatedRun(browser, '50 ms RTT with jitter (20-30 ms each way)', RTT_MS / 2 - 5, 10);
} finally {
  await browser.close();
}
