/**
 * Fixtures for real calls: the server built in this process on a free port, serving the built
 * client, and helpers that drive a person's page (each in its own browser context).
 */
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../../src/server/app.js';

const clientDir = fileURLToPath(new URL('../../../dist/client/', import.meta.url));

export interface CallServer {
  url: string;
  app: FastifyInstance;
}

export async function startServer(options: AppOptions = {}, host = '127.0.0.1'): Promise<CallServer> {
  const app = await buildApp({ clientDir, ...options });
  await app.listen({ port: 0, host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('The server has no TCP address.');
  return { url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`, app };
}

// Every person's browser context is closed when their test ends: a page left open keeps its
// camera and its peer connection running, and slows every test after it.
const openContexts: BrowserContext[] = [];
// What a person would see in the console as a fault of the page itself.
const pageFaults: string[] = [];

export async function closeOpenContexts(): Promise<void> {
  for (const context of openContexts.splice(0)) await context.close();
}

export const test = base.extend<{ server: CallServer; closePeople: void; serverOptions: AppOptions }>({
  // What the test's server is built with, e.g. `test.use({ serverOptions: { roomCapacity: 4 } })`.
  serverOptions: [{}, { option: true }],
  server: async ({ serverOptions }, use) => {
    const server = await startServer(serverOptions);
    await use(server);
    // The people leave first: an open page would reconnect to a closing server, and a browser's
    // idle pre-opened connection holds the close until Node's 60 s header timeout.
    await closeOpenContexts();
    await server.app.close();
  },
  closePeople: [
    async ({}, use) => {
      await use();
      await closeOpenContexts();
      // The page runs under the server's Content Security Policy and throws nothing uncaught.
      expect(pageFaults.splice(0)).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * A person: a page in a browser context of their own, like a separate browser profile. A page
 * that starts by itself (a test call) is not waited for in `idle`.
 */
export async function openPerson(browser: Browser, url: string, { startsIdle = true, prepare }: { startsIdle?: boolean; prepare?: Prepare } = {}): Promise<Page> {
  const page = await openPage(browser, url, prepare);
  if (startsIdle) await expect(page.locator('body')).toHaveAttribute('data-call-state', 'idle');
  return page;
}

/** Made ready before the page opens: init scripts, routes. */
export type Prepare = (context: BrowserContext) => Promise<unknown>;

/** Any page of the app in a context of its own, watched for faults and closed after the test. */
export async function openPage(browser: Browser, url: string, prepare?: Prepare): Promise<Page> {
  const context = await browser.newContext();
  openContexts.push(context);
  await prepare?.(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageFaults.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) pageFaults.push(`CSP: ${message.text()}`);
  });
  await page.goto(url);
  return page;
}

export const callState = (page: Page) => page.locator('body').getAttribute('data-call-state');

export async function expectState(page: Page, pattern: RegExp | string, timeout = 15_000): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-call-state', pattern, { timeout });
}

/** The room id that the page put into the address bar. */
export function roomOf(page: Page): string {
  const room = new URL(page.url()).searchParams.get('room');
  if (!room) throw new Error(`The page ${page.url()} has no room in its address.`);
  return room;
}

/**
 * Counts the SDP messages the page sends from now on (a device switch must send none). Call it
 * before the page opens its socket (before Start): Playwright reports a socket only as it opens.
 */
export function countSentDescriptions(page: Page): () => number {
  let sent = 0;
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      if (String(payload).includes('"message_type":"SDP"')) sent += 1;
    }),
  );
  return () => sent;
}

/** Each remote person's tile (the element with `data-peer-id`), as tools find them. */
export const remoteTiles = (page: Page) => page.locator('[data-peer-id]');

/**
 * True when `count` people's tiles each show frames that keep coming, not just a connected state.
 * `timeout` bounds each wait (a group's pages share the machine's cores, so theirs may need longer).
 */
export async function expectRemoteVideoMoving(page: Page, count = 1, { timeout = 15_000 } = {}): Promise<void> {
  await expect(remoteTiles(page)).toHaveCount(count, { timeout });
  for (let index = 0; index < count; index += 1) await expectVideoMoving(remoteTiles(page).nth(index).locator('video'), timeout);
}

/** True when one video element shows frames and its playback keeps going. */
export async function expectVideoMoving(remote: ReturnType<Page['locator']>, timeout = 15_000): Promise<void> {
  await expect(remote).toBeVisible();
  // On failure, say what the element had: paused? which tracks, muted or ended?
  const describe = () =>
    remote.evaluate((v: HTMLVideoElement) => {
      const stream = v.srcObject as MediaStream | null;
      const tracks = stream?.getTracks().map((t) => `${t.kind}:${t.readyState}${t.muted ? ':muted' : ''}`) ?? [];
      const tile = v.closest<HTMLElement>('[data-peer-id]');
      const whose = tile ? `${tile.getAttribute('aria-label') ?? ''} (${tile.dataset.peerId ?? ''}, ${tile.dataset.peerState ?? ''}) ` : '';
      return `${whose}readyState=${v.readyState} paused=${v.paused} tracks=[${tracks.join(' ')}]`;
    });
  try {
    await expect.poll(() => remote.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout }).toBeGreaterThan(0);
  } catch (error) {
    throw new Error(`The remote video shows no frames: ${await describe()}`, { cause: error });
  }
  const before = await remote.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect
    .poll(() => remote.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout })
    .toBeGreaterThan(before + 0.3);
}

/** Matches a state string (every active leaf path, space-separated) that includes `path`. */
export const inState = (path: string) => new RegExp(`(^| )${path.replaceAll('.', '\\.')}( |$)`);
export const CONNECTED = inState('active.room.call.inCall.connected');
export const WAITING = inState('active.room.call.waiting');
export const RECONNECTING = inState('active.room.server.reconnecting');

/**
 * Records every state the page's call machine passes through from now on, and every state of
 * the peer machines behind the people's tiles (as `data-peer-state` says them).
 */
export async function recordStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    const seenPeer: string[] = [];
    const record = window as unknown as { seenStates: string[]; seenPeerStates: string[] };
    record.seenStates = seen;
    record.seenPeerStates = seenPeer;
    const note = () => {
      const state = document.body.dataset.callState ?? '';
      if (seen.at(-1) !== state) seen.push(state);
      for (const tile of document.querySelectorAll<HTMLElement>('[data-peer-id]')) {
        const peerState = tile.dataset.peerState ?? '';
        if (seenPeer.at(-1) !== peerState) seenPeer.push(peerState);
      }
    };
    note();
    new MutationObserver(note).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-call-state', 'data-peer-state'] });
  });
}

export const seenStates = (page: Page) => page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
export const seenPeerStates = (page: Page) => page.evaluate(() => (window as unknown as { seenPeerStates: string[] }).seenPeerStates);

/** Waits for the first person's tile to show a peer machine state matching `pattern`. */
export async function expectPeerState(page: Page, pattern: RegExp | string, timeout = 15_000): Promise<void> {
  await expect(remoteTiles(page).first()).toHaveAttribute('data-peer-state', pattern, { timeout });
}

/** Two people in a connected call, Alice first in the room. */
export async function connectedPair(browser: Browser, url: string, room: string) {
  const alice = await openPerson(browser, `${url}/?room=${room}`);
  await alice.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, WAITING);
  const bob = await openPerson(browser, `${url}/?room=${room}`);
  await bob.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, CONNECTED);
  await expectState(bob, CONNECTED);
  await expectRemoteVideoMoving(alice);
  await expectRemoteVideoMoving(bob);
  return { alice, bob };
}

/**
 * Both people of a call that cannot get through: whoever's page finds out first says so and
 * leaves; the other page then says so too, or that the other person left. Neither keeps
 * connecting. Returns the pages that said it (at least one).
 */
export async function expectCannotGetThrough(pages: Page[], says: string): Promise<Page[]> {
  for (const page of pages) await expectState(page, /^unreachable$|active\.room\.call\.waiting/, 45_000);
  const told: Page[] = [];
  for (const page of pages) {
    if ((await callState(page)) !== 'unreachable') {
      await expect(page.getByRole('status')).toContainText('The other person left');
      continue;
    }
    told.push(page);
    await expect(page.getByRole('status')).toContainText(says);
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    await expect(page.locator('#self-view')).toBeHidden();
  }
  expect(told.length, 'pages that say the call cannot get through').toBeGreaterThan(0);
  return told;
}
