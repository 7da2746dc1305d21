/**
 * Echo benchmark: the server's CPU time while it runs test calls, as a ratio to the same server
 * idle, measured in the same run; and the round trip the test-call page shows (from getStats).
 *
 *   npm run bench:echo      (20 s a phase, one call; BENCH_SECONDS=N, BENCH_ECHO_CALLS=N)
 *
 * The server runs in a process of its own (bench/echoServer.ts), so Chromium and this script
 * do not count; its CPU is process.cpuUsage() (user + system) over each phase.
 */
import type { Page } from '@playwright/test';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { launchBenchBrowser } from './benchBrowser.js';
import { median } from './median.js';

const SECONDS = Math.max(5, Math.min(300, Number(process.env.BENCH_SECONDS ?? 20)));
const CALLS = Math.max(1, Math.min(8, Number(process.env.BENCH_ECHO_CALLS ?? 1)));
const TIMEOUT = 30_000;
/** After a call connects: the bandwidth estimate ramps up before the call is in its steady state. */
const WARM_UP_MS = 5_000;

const server = fork(fileURLToPath(new URL('./echoServer.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
const answer = async <T>(key: string): Promise<T> => {
  for (;;) {
    const [message] = (await once(server, 'message')) as [Record<string, unknown>];
    if (key in message) return message[key] as T;
  }
};
const cpuMs = async () => {
  const reply = answer<NodeJS.CpuUsage>('cpu');
  server.send('cpu');
  const { user, system } = await reply;
  return (user + system) / 1_000;
};
/** Server CPU milliseconds per second of wall time over `SECONDS`, sampling `during` each second. */
async function phase(during: () => Promise<void> = async () => {}): Promise<number> {
  const startCpu = await cpuMs();
  const start = performance.now();
  for (let s = 0; s < SECONDS; s++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await during();
  }
  return (await cpuMs() - startCpu) / ((performance.now() - start) / 1_000);
}

const base = await answer<string>('url');
const browser = await launchBenchBrowser();
try {
  // Idle first: the server loaded and listening, nobody on it.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const idle = await phase();

  const pages: Page[] = [];
  for (let n = 0; n < CALLS; n++) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/?echo`);
    await page.waitForSelector('[aria-label="Connection quality"][data-rtt-ms]:not([data-rtt-ms=""])', { timeout: TIMEOUT });
    pages.push(page);
  }
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  const rtts: number[] = [];
  const echo = await phase(async () => {
    const rtt = await pages[0]!.getAttribute('[aria-label="Connection quality"]', 'data-rtt-ms');
    if (rtt) rtts.push(Number(rtt));
  });
  const size = await pages[0]!.$eval('[data-peer-id] video', (v: HTMLVideoElement) => `${v.videoWidth}x${v.videoHeight}`);

  const fmt = (ms: number) => `${ms.toFixed(1)} ms/s (${(ms / 10).toFixed(1)} % of a core)`;
  console.log(`phases: ${SECONDS} s each; echo calls: ${CALLS}; echoed video at the end: ${size}`);
  console.log(`server idle (baseline):     ${fmt(idle)}`);
  console.log(`server, ${CALLS} echo call(s):    ${fmt(echo)}  (${(echo / idle).toFixed(1)}× idle)`);
  console.log(`per echo call, above idle:  ${fmt((echo - idle) / CALLS)}`);
  console.log(`echo round trip (getStats): median ${median(rtts)} ms, max ${Math.max(...rtts)} ms over ${rtts.length} samples`);
} finally {
  await browser.close();
  server.send('close');
  const exited = once(server, 'exit');
  const kill = setTimeout(() => server.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(kill);
}
