/**
 * Call-setup benchmark: how long from the second person's Start until both see each other,
 * against a baseline measured in the same run: two RTCPeerConnections inside one page, with no
 * server and no signaling, the floor that any call on this machine can reach.
 *
 *   npm run bench               (5 calls; BENCH_CALLS=N for more)
 *
 * Times are taken inside the pages (performance.timeOrigin + now(), one clock for all pages of
 * this machine), so Playwright's own round trips do not count.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/server/app.js';

const CALLS = Math.max(1, Math.min(50, Number(process.env.BENCH_CALLS ?? 5)));
const TIMEOUT = 30_000;

interface Timeline {
  start?: number;
  connected?: number;
  firstFrame?: number;
}

// Runs in each page before its scripts: records when Start is clicked, when the call machine
// reaches connected, and when the first remote frame is decoded (the video's first 'resize').
function recordTimeline() {
  const now = () => performance.timeOrigin + performance.now();
  const timeline: Timeline = {};
  (window as unknown as { timeline: Timeline }).timeline = timeline;
  document.addEventListener('click', (event) => {
    if ((event.target as Element | null)?.id === 'start') timeline.start ??= now();
  }, true);
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => {
      const states = (document.body.dataset.callState ?? '').split(' ');
      if (states.includes('active.room.call.inCall.connected')) timeline.connected ??= now();
    }).observe(document.body, { attributes: true, attributeFilter: ['data-call-state'] });
    document.getElementById('remote-video')?.addEventListener('resize', (event) => {
      if ((event.target as HTMLVideoElement).videoWidth > 0) timeline.firstFrame ??= now();
    });
  });
}

// tsx compiles this file with esbuild's keepNames, which wraps functions in __name(); the
// functions sent into pages need it defined there.
const KEEP_NAMES_SHIM = { content: 'globalThis.__name = (fn) => fn;' };

async function person(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(KEEP_NAMES_SHIM);
  await context.addInitScript(recordTimeline);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-call-state="idle"]', { timeout: TIMEOUT });
  return page;
}

const timeline = (page: Page) => page.evaluate(() => (window as unknown as { timeline: Timeline }).timeline);

async function oneCall(browser: Browser, base: string, n: number) {
  const room = `bench-${n}-${Date.now()}`;
  const alice = await person(browser, `${base}/?room=${room}`);
  await alice.click('#start');
  await alice.waitForFunction(
    () => (document.body.dataset.callState ?? '').split(' ').includes('active.room.call.waiting'),
    undefined,
    { timeout: TIMEOUT },
  );
  const bob = await person(browser, `${base}/?room=${room}`);
  await bob.click('#start');
  for (const page of [alice, bob]) {
    await page.waitForFunction(() => {
      const t = (window as unknown as { timeline: Timeline }).timeline;
      return t.connected !== undefined && t.firstFrame !== undefined;
    }, undefined, { timeout: TIMEOUT });
  }
  const [a, b] = [await timeline(alice), await timeline(bob)];
  const start = b.start!;
  const result = {
    connected: Math.max(a.connected!, b.connected!) - start,
    firstFrame: Math.max(a.firstFrame!, b.firstFrame!) - start,
  };
  await alice.context().close();
  await bob.context().close();
  return result;
}

/** Two peer connections in one page, fake camera, candidates handed over directly. */
async function baselineCall(browser: Browser, base: string) {
  const context = await browser.newContext();
  await context.addInitScript(KEEP_NAMES_SHIM);
  const page = await context.newPage();
  await page.goto(`${base}/healthz`);
  const ms = await page.evaluate(async () => {
    const now = () => performance.timeOrigin + performance.now();
    const t0 = now();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = ({ candidate }) => void b.addIceCandidate(candidate ?? undefined);
    b.onicecandidate = ({ candidate }) => void a.addIceCandidate(candidate ?? undefined);
    const video = document.createElement('video');
    video.muted = true;
    const firstFrame = new Promise<number>((resolve) => {
      video.addEventListener('resize', () => video.videoWidth > 0 && resolve(now()));
    });
    b.ontrack = ({ streams }) => {
      video.srcObject = streams[0] ?? null;
      void video.play();
    };
    for (const track of stream.getTracks()) a.addTrack(track, stream);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    const done = await firstFrame;
    a.close();
    b.close();
    for (const track of stream.getTracks()) track.stop();
    return done - t0;
  });
  await context.close();
  return ms;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const app = await buildApp({ clientDir: fileURLToPath(new URL('../dist/client/', import.meta.url)) });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection'],
});

try {
  const calls: { connected: number; firstFrame: number }[] = [];
  const baselines: number[] = [];
  // Interleaved, so a slow moment of the machine affects both sides alike.
  for (let n = 0; n < CALLS; n += 1) {
    baselines.push(await baselineCall(browser, base));
    calls.push(await oneCall(browser, base, n));
  }
  const baseline = median(baselines);
  const connected = median(calls.map((c) => c.connected));
  const firstFrame = median(calls.map((c) => c.firstFrame));
  const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
  console.log(`calls: ${CALLS}`);
  console.log(`baseline, one page, no server (getUserMedia → first remote frame): median ${fmt(baseline)}`);
  console.log(`call, second Start → both connected:   median ${fmt(connected)}  (${(connected / baseline).toFixed(2)}× baseline)`);
  console.log(`call, second Start → both see video:   median ${fmt(firstFrame)}  (${(firstFrame / baseline).toFixed(2)}× baseline)`);
  console.log(`each call (connected / first frame, ms): ${calls.map((c) => `${c.connected.toFixed(0)}/${c.firstFrame.toFixed(0)}`).join(', ')}`);
} finally {
  await browser.close();
  await app.close();
}
