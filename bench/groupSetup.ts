/**
 * Group call-setup benchmark: for 2, 3 and 4 people, how long until everybody sees everybody,
 * from the second-to-last person's Start and from the last person's Start, beside the in-page
 * yardstick (two peer connections in one page, bench/onePageCall.ts) measured in the same run.
 * Then the CPU of the machine during a 4-person call, and what the senders say limits them.
 *
 *   npm run bench:groups     (BENCH_ROUNDS=N rounds per size, default 5; BENCH_CPU_SECONDS=N, default 15)
 *
 * A round: everyone's page is open; all but the last two join one after the other and settle;
 * then the last two press Start one right after the other (the harder case: each of them has to
 * connect with everyone, each other too). "Everybody sees everybody" is the moment the last page
 * has every tile's peer machine in `connection.connected` with a decoded frame in its video;
 * times are taken inside the pages, on the one clock of this machine (bench/timedCall.ts).
 */
import type { Browser, Page } from '@playwright/test';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/server/app.js';
import { launchBenchBrowser } from './benchBrowser.js';
import { loadAverage, sampleLoad, type LoadSample } from './machineLoad.js';
import { median } from './median.js';
import { onePageCall } from './onePageCall.js';
import { TIMEOUT, timedPerson, timeline, type InitScript } from './timedCall.js';

const ROUNDS = Math.max(1, Math.min(50, Number(process.env.BENCH_ROUNDS ?? 5)));
const CPU_SECONDS = Math.max(5, Math.min(120, Number(process.env.BENCH_CPU_SECONDS ?? 15)));
const SIZES = [2, 3, 4] as const;
/** How long everybody may take to see everybody before a round counts as one that never got there. */
const ROUND_TIMEOUT = 4 * TIMEOUT;
const clientDir = fileURLToPath(new URL('../dist/client/', import.meta.url));

// Runs in each page before its scripts: `seenAt[n]` is when the page first had n tiles, every
// one connected and showing a frame.
function recordEveryoneSeen() {
  const now = () => performance.timeOrigin + performance.now();
  const seenAt: Record<number, number> = {};
  (window as unknown as { seenAt: Record<number, number> }).seenAt = seenAt;
  const note = () => {
    const tiles = [...document.querySelectorAll<HTMLElement>('[data-peer-id]')];
    const ready = tiles.every(
      (tile) => tile.dataset.peerState === 'connection.connected' && (tile.querySelector('video')?.videoWidth ?? 0) > 0,
    );
    if (ready) seenAt[tiles.length] ??= now();
  };
  document.addEventListener('resize', note, true);
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-peer-state'] });
  });
}

// Keeps the page's peer connections, to read what their senders say in getStats().
const KEEP_PEER_CONNECTIONS: InitScript = {
  content: `(() => {
    const Native = window.RTCPeerConnection;
    const made = (window.benchPeerConnections = []);
    window.RTCPeerConnection = class extends Native {
      constructor(config) { super(config); made.push(this); }
    };
  })();`,
};
const INIT_SCRIPTS: InitScript[] = [{ content: `(${recordEveryoneSeen.toString()})();` }, KEEP_PEER_CONNECTIONS];

const seenAt = (page: Page, others: number) =>
  page.evaluate((n) => (window as unknown as { seenAt: Record<number, number | undefined> }).seenAt[n], others);

async function waitUntilSeeing(page: Page, others: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const states = (document.body.dataset.callState ?? '').split(' ');
      const inRoom = states.includes(n === 0 ? 'active.room.call.waiting' : 'active.room.call.inCall.connected');
      return inRoom && (window as unknown as { seenAt: Record<number, number | undefined> }).seenAt[n] !== undefined;
    },
    others,
    { timeout: ROUND_TIMEOUT },
  ).catch(async (error: unknown) => {
    const now = await page.evaluate(() => ({
      state: document.body.dataset.callState,
      seenAt: (window as unknown as { seenAt: unknown }).seenAt,
      tiles: [...document.querySelectorAll<HTMLElement>('[data-peer-id]')].map(
        (tile) => `${tile.dataset.peerId} ${tile.dataset.peerState} ${tile.querySelector('video')?.videoWidth ?? 'no video'}`,
      ),
    }));
    throw new Error(`A page did not come to see ${others} others: ${JSON.stringify(now)}`, { cause: error });
  });
}

interface GroupTimes {
  fromSecondToLast: number;
  fromLast: number;
}

/** One round for `size` people; `whileInCall` runs once everybody sees everybody, before they leave. */
async function groupRound(
  browser: Browser,
  base: string,
  size: number,
  room: string,
  whileInCall: (pages: Page[]) => Promise<void> = async () => {},
): Promise<GroupTimes> {
  const pages: Page[] = [];
  try {
    for (let n = 0; n < size; n += 1) pages.push(await timedPerson(browser, `${base}/?room=${room}`, INIT_SCRIPTS));
    const early = pages.slice(0, -2);
    for (const [index, page] of early.entries()) {
      await page.click('#start');
      for (const joined of early.slice(0, index + 1)) await waitUntilSeeing(joined, index);
    }
    const [secondToLast, last] = pages.slice(-2) as [Page, Page];
    await secondToLast.click('#start');
    await last.click('#start');
    for (const page of pages) await waitUntilSeeing(page, size - 1);
    const everybody = Math.max(...(await Promise.all(pages.map((page) => seenAt(page, size - 1)))).map(Number));
    const [a, b] = [await timeline(secondToLast), await timeline(last)];
    await whileInCall(pages);
    return { fromSecondToLast: everybody - a.start!, fromLast: everybody - b.start! };
  } finally {
    for (const page of pages) await page.context().close();
  }
}

interface SenderReport {
  /** Why each outgoing video is held back (getStats qualityLimitationReason), with a count. */
  limits: Map<string, number>;
  sentSizes: string[];
  sentFps: number[];
  receivedFps: number[];
}

/** What every video sender and receiver of these pages reports now. */
async function sendersOf(pages: Page[]): Promise<SenderReport> {
  const report: SenderReport = { limits: new Map(), sentSizes: [], sentFps: [], receivedFps: [] };
  for (const page of pages) {
    const entries = await page.evaluate(async () => {
      const made = (window as unknown as { benchPeerConnections: RTCPeerConnection[] }).benchPeerConnections;
      const found: Record<string, unknown>[] = [];
      for (const pc of made.filter((one) => one.connectionState === 'connected')) {
        for (const entry of (await pc.getStats()).values() as IterableIterator<Record<string, unknown>>) {
          if (entry.kind === 'video' && (entry.type === 'outbound-rtp' || entry.type === 'inbound-rtp')) found.push(entry);
        }
      }
      return found;
    });
    for (const entry of entries) {
      if (entry.type === 'outbound-rtp') {
        const reason = String(entry.qualityLimitationReason ?? 'unknown');
        report.limits.set(reason, (report.limits.get(reason) ?? 0) + 1);
        report.sentSizes.push(`${String(entry.frameWidth)}x${String(entry.frameHeight)}`);
        report.sentFps.push(Number(entry.framesPerSecond ?? 0));
      } else {
        report.receivedFps.push(Number(entry.framesPerSecond ?? 0));
      }
    }
  }
  return report;
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const cores = (value: number) => `${value.toFixed(2)} cores`;
const counts = (values: string[]) => {
  const tally = new Map<string, number>();
  for (const value of values) tally.set(value, (tally.get(value) ?? 0) + 1);
  return [...tally].map(([value, count]) => `${value} ×${count}`).join(', ');
};

function printLoad(load: LoadSample, senders: SenderReport): void {
  const chromium = [...load.chromiumCores.values()].reduce((sum, value) => sum + value, 0);
  const kinds = [...load.chromiumCores].sort((x, y) => y[1] - x[1]).map(([kind, used]) => `${kind} ${cores(used)}`).join(', ');
  console.log(`\n## CPU during a 4-person call (${load.seconds.toFixed(0)} s, ${load.cores} cores, load average ${load.loadAverage.toFixed(1)} at the end)`);
  console.log(`machine busy:           ${cores(load.machineCores)} of ${load.cores} (${((load.machineCores / load.cores) * 100).toFixed(0)} %)`);
  console.log(`Chromium (4 pages):     ${cores(chromium)}: ${kinds}`);
  console.log(`this process (server + Playwright): ${cores(load.selfCores)}`);
  console.log(`everything else on the machine:     ${cores(Math.max(0, load.machineCores - chromium - load.selfCores))}`);
  console.log(`video senders (12 = 4 people × 3), limited by: ${[...senders.limits].map(([reason, n]) => `${reason} ×${n}`).join(', ')}`);
  console.log(`sent sizes: ${counts(senders.sentSizes)}; sent fps median ${median(senders.sentFps).toFixed(0)}; received fps median ${median(senders.receivedFps).toFixed(0)}`);
}

const app = await buildApp({ clientDir, roomCapacity: Math.max(...SIZES) });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const browser = await launchBenchBrowser();
try {
  const baselines: number[] = [];
  const times = new Map<number, GroupTimes[]>(SIZES.map((size) => [size, []]));
  const missed = new Map<number, string[]>(SIZES.map((size) => [size, []]));
  const loadBefore = await loadAverage();
  // Interleaved, so a slow moment of the machine affects every size and the yardstick alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    baselines.push(await onePageCall(browser, base));
    for (const size of SIZES) {
      try {
        times.get(size)!.push(await groupRound(browser, base, size, `bench-${size}-${round}-${Date.now()}`));
      } catch (error) {
        // A round that never gets there is a result too: said, not hidden in the medians.
        missed.get(size)!.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  const baseline = median(baselines);
  console.log(`\nload average (1 min) ${loadBefore.toFixed(1)} before the rounds, ${(await loadAverage()).toFixed(1)} after, on ${availableParallelism()} cores`);
  const ratio = (ms: number) => `${(ms / baseline).toFixed(2)}×`;
  console.log(`\n## group call setup on loopback (${ROUNDS} rounds; × = against the baseline)`);
  console.log(`baseline, one page, no server (getUserMedia → first remote frame): median ${fmt(baseline)}`);
  console.log(`${'people'.padEnd(8)}${'second-to-last Start → everybody sees everybody'.padEnd(52)}last Start → everybody sees everybody`);
  for (const size of SIZES) {
    const rounds = times.get(size)!;
    if (rounds.length === 0) {
      console.log(`${String(size).padEnd(8)}no round got there`);
      continue;
    }
    const fromSecondToLast = median(rounds.map((t) => t.fromSecondToLast));
    const fromLast = median(rounds.map((t) => t.fromLast));
    console.log(`${String(size).padEnd(8)}${`median ${fmt(fromSecondToLast)} (${ratio(fromSecondToLast)})`.padEnd(52)}median ${fmt(fromLast)} (${ratio(fromLast)})`);
  }
  for (const size of SIZES) {
    const each = times.get(size)!.map((t) => `${t.fromSecondToLast.toFixed(0)}/${t.fromLast.toFixed(0)}`).join(', ');
    console.log(`each round, ${size} people (from second-to-last / from last Start, ms): ${each}`);
  }
  console.log(`each baseline (ms): ${baselines.map((ms) => ms.toFixed(0)).join(', ')}`);
  for (const [size, reasons] of missed) {
    if (reasons.length) console.log(`${size} people: ${reasons.length} of ${ROUNDS} rounds did not get there within ${ROUND_TIMEOUT / 1_000} s: ${reasons.join(' | ')}`);
  }

  await groupRound(browser, base, 4, `bench-cpu-${Date.now()}`, async (pages) => {
    // The bandwidth estimate and the encoders' adaptation settle first.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const load = await sampleLoad(CPU_SECONDS);
    printLoad(load, await sendersOf(pages));
  });
} finally {
  await browser.close();
  await app.close();
}
