/**
 * One call between two people in their own browser contexts, timed inside the pages: from the
 * second person's Start to both peer connections connected and to both first remote frames.
 * Works for any page that has a `#start` button, shows the other person in a `#remote-video` or
 * in a `<video>` inside their tile (`[data-peer-id]`), and reports its state in
 * `body[data-call-state]` (the app, and the minimal page in bench/minimal/).
 *
 * Times are taken inside the pages (performance.timeOrigin + now(), one clock for all pages of
 * this machine), so Playwright's own round trips do not count.
 */
import type { Browser, Page } from '@playwright/test';

export const TIMEOUT = 30_000;

export interface Timeline {
  start?: number;
  /** The first message from the server on the page's socket (WELCOME, or the minimal page's "joined"). */
  joined?: number;
  connected?: number;
  firstFrame?: number;
}

export interface CallTimes {
  joined: number;
  connected: number;
  firstFrame: number;
}

// Runs in each page before its scripts: records when Start is clicked, when the server first
// answers, when the call reaches connected, and when the first remote frame is decoded (the
// video's first 'resize'; a capture listener, since 'resize' does not bubble and tiles come and go).
function recordTimeline() {
  const now = () => performance.timeOrigin + performance.now();
  const timeline: Timeline = {};
  (window as unknown as { timeline: Timeline }).timeline = timeline;
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.addEventListener('message', () => (timeline.joined ??= now()), { once: true });
    }
  };
  document.addEventListener('click', (event) => {
    if ((event.target as Element | null)?.id === 'start') timeline.start ??= now();
  }, true);
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => {
      const states = (document.body.dataset.callState ?? '').split(' ');
      if (states.includes('active.room.call.inCall.connected')) timeline.connected ??= now();
    }).observe(document.body, { attributes: true, attributeFilter: ['data-call-state'] });
  });
  document.addEventListener('resize', (event) => {
    const video = event.target;
    if (!(video instanceof HTMLVideoElement) || video.videoWidth === 0) return;
    if (video.id === 'remote-video' || video.closest('[data-peer-id]')) timeline.firstFrame ??= now();
  }, true);
}

// tsx compiles this file with esbuild's keepNames, which wraps functions in __name(); the
// functions sent into pages need it defined there.
export const KEEP_NAMES_SHIM = { content: 'globalThis.__name = (fn) => fn;' };

/** A script run in every page before its own, e.g. to force relay-only ICE. */
export type InitScript = { content: string };

/** A person's page in a browser context of its own, timed from its first script, shown idle. */
export async function timedPerson(browser: Browser, url: string, initScripts: readonly InitScript[] = []): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(KEEP_NAMES_SHIM);
  await context.addInitScript(recordTimeline);
  for (const script of initScripts) await context.addInitScript(script);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-call-state="idle"]', { timeout: TIMEOUT });
  return page;
}

export const timeline = (page: Page) => page.evaluate(() => (window as unknown as { timeline: Timeline }).timeline);

/**
 * `check` runs on both pages once connected (e.g. that the media really took the relay).
 */
export async function timedCall(
  browser: Browser,
  base: string,
  room: string,
  initScripts: readonly InitScript[] = [],
  check: (page: Page) => Promise<void> = async () => {},
): Promise<CallTimes> {
  const alice = await timedPerson(browser, `${base}/?room=${room}`, initScripts);
  let bob: Page | undefined;
  try {
    await alice.click('#start');
    await alice.waitForFunction(
      () => (document.body.dataset.callState ?? '').split(' ').includes('active.room.call.waiting'),
      undefined,
      { timeout: TIMEOUT },
    );
    bob = await timedPerson(browser, `${base}/?room=${room}`, initScripts);
    await bob.click('#start');
    for (const page of [alice, bob]) {
      await page.waitForFunction(() => {
        const t = (window as unknown as { timeline: Timeline }).timeline;
        return t.connected !== undefined && t.firstFrame !== undefined;
      }, undefined, { timeout: TIMEOUT });
      await check(page);
    }
    const [a, b] = [await timeline(alice), await timeline(bob)];
    const start = b.start!;
    return {
      joined: b.joined! - start,
      connected: Math.max(a.connected!, b.connected!) - start,
      firstFrame: Math.max(a.firstFrame!, b.firstFrame!) - start,
    };
  } finally {
    await alice.context().close();
    await bob?.context().close();
  }
}
