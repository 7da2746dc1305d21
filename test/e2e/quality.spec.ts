/**
 * Live call quality in real calls: the I key opens a panel with each other person's figures
 * from getStats(), which move while the call goes on; each tile carries its quality level; the
 * chart of the last minute grows; after Hang up nothing reads statistics any more.
 */
import type { Page } from '@playwright/test';
import {
  CONNECTED,
  WAITING,
  connectedPair,
  expect,
  expectState,
  openPerson,
  remoteTiles,
  startServer,
  test,
} from './support/fixtures.js';
import { RATING, ratingOnTileAndCard } from './support/qualityRating.js';


const qualityPanel = (page: Page) => page.getByRole('region', { name: 'Call quality' });
const card = (page: Page, name: string) => qualityPanel(page).getByRole('article', { name });
const field = (page: Page, name: string, which: string) => card(page, name).locator(`[data-field="${which}"]`);
const framesDecoded = async (page: Page, name: string) => Number(await card(page, name).getAttribute('data-frames-decoded'));
const chartPoints = async (page: Page, name: string) =>
  ((await card(page, name).locator('polyline.bitrate-in').getAttribute('points')) ?? '').split(' ').filter(Boolean).length;

/** How often the page has asked any peer connection for its statistics. */
async function countStatsReads(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const counted = window as unknown as { statsReads: number };
    counted.statsReads = 0;
    const original = RTCPeerConnection.prototype.getStats;
    RTCPeerConnection.prototype.getStats = function (this: RTCPeerConnection, ...args: Parameters<typeof original>) {
      counted.statsReads += 1;
      return original.apply(this, args);
    };
  });
  return () => page.evaluate(() => (window as unknown as { statsReads: number }).statsReads);
}

async function joinAs(page: Page, name: string): Promise<void> {
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Start' }).click();
}

test('in a 1:1 call, I shows the other person’s figures, and they move', async ({ browser, server }) => {
  const { alice } = await connectedPair(browser, server.url, 'quality-pair');
  await expect(qualityPanel(alice)).toBeHidden();
  await expect(alice.getByRole('button', { name: 'Call quality' })).toBeVisible();

  await alice.keyboard.press('i');
  await expect(qualityPanel(alice)).toBeVisible();
  // Bob typed no name: the server calls him Guest.
  await expect(qualityPanel(alice).getByRole('article')).toHaveCount(1);
  const bob = 'Guest';

  await expect(field(alice, bob, 'rtt')).toHaveText(/^\d+ ms$/, { timeout: 30_000 });
  expect(Number(await field(alice, bob, 'rtt').getAttribute('data-value'))).toBeGreaterThanOrEqual(0);
  await expect(field(alice, bob, 'bitrate-in')).toHaveText(/^\d+(\.\d+)? (kbit|Mbit)\/s$/);
  await expect(field(alice, bob, 'bitrate-out')).toHaveText(/^\d+(\.\d+)? (kbit|Mbit)\/s$/);
  await expect(field(alice, bob, 'video-in')).toHaveText(/^\d+×\d+(, \d+ fps)?$/);
  await expect(field(alice, bob, 'video-out')).toHaveText(/^\d+×\d+(, \d+ fps)?$/);
  await expect(field(alice, bob, 'loss')).toHaveText(/^\d+\.\d %$/);
  await expect(field(alice, bob, 'jitter')).toHaveText(/^\d+ ms$/);
  await expect(field(alice, bob, 'path')).toHaveText(/^direct \(host(\/prflx)?\)$/);

  // The figures move: more frames decoded, another bitrate, a longer chart, second by second.
  const frames = await framesDecoded(alice, bob);
  const bitrate = await field(alice, bob, 'bitrate-in').textContent();
  const points = await chartPoints(alice, bob);
  expect(points).toBeGreaterThan(0);
  await expect.poll(() => framesDecoded(alice, bob), { timeout: 30_000 }).toBeGreaterThan(frames);
  await expect.poll(() => field(alice, bob, 'bitrate-in').textContent(), { timeout: 30_000 }).not.toBe(bitrate);
  await expect.poll(() => chartPoints(alice, bob), { timeout: 30_000 }).toBeGreaterThanOrEqual(points + 3);

  // The tile says the level too, in words for screen readers.
  const tile = remoteTiles(alice).first();
  await expect.poll(() => ratingOnTileAndCard(tile, card(alice, bob)), { message: 'the rating on the tile and in the panel' }).toMatch(RATING);
  await expect(tile).toHaveAttribute('aria-label', /, quality (excellent|good|poor|lost)$/);

  // The button closes it again; I opens it.
  await alice.getByRole('button', { name: 'Call quality' }).click();
  await expect(qualityPanel(alice)).toBeHidden();
  await alice.keyboard.press('I');
  await expect(qualityPanel(alice)).toBeVisible();

  // After Hang up nothing reads statistics any more.
  const reads = await countStatsReads(alice);
  await expect.poll(reads, { timeout: 5_000 }).toBeGreaterThan(0);
  await alice.getByRole('button', { name: 'Hang up' }).click();
  await expectState(alice, 'ended');
  await expect(qualityPanel(alice).getByRole('article')).toHaveCount(0);
  await expect(alice.getByRole('button', { name: 'Call quality' })).toBeHidden();
  const afterHangUp = await reads();
  // Three ticks' worth of time: a timer still running would have read again.
  await alice.waitForTimeout(3_000);
  expect(await reads()).toBe(afterHangUp);
});

test('in a group of three, the panel lists both others with their figures', async ({ browser }) => {
  // Three pages each encoding and decoding a video per other person, on a shared machine.
  test.setTimeout(180_000);
  const server = await startServer({ roomCapacity: 3 });
  const pages: Page[] = [];
  try {
    const url = `${server.url}/?room=quality-group`;
    // One after the other, each once the one before is in the call.
    for (const name of ['Alice', 'Bob', 'Carol']) {
      const page = await openPerson(browser, url);
      await joinAs(page, name);
      await expectState(page, pages.length === 0 ? WAITING : CONNECTED, 60_000);
      pages.push(page);
    }
    for (const page of pages) await expectState(page, CONNECTED, 60_000);
    const carol = pages[2]!;

    await carol.keyboard.press('i');
    await expect(qualityPanel(carol)).toBeVisible();
    await expect(qualityPanel(carol).getByRole('article')).toHaveCount(2);
    // Each one's video comes, as its decoded frames show.
    for (const name of ['Alice', 'Bob']) {
      await expect.poll(() => framesDecoded(carol, name), { timeout: 30_000 }).toBeGreaterThan(0);
      await expect(field(carol, name, 'rtt')).toHaveText(/^\d+ ms$/, { timeout: 30_000 });
      await expect(field(carol, name, 'bitrate-in')).toHaveText(/(kbit|Mbit)\/s$/);
      await expect(card(carol, name)).toHaveAttribute('data-quality', RATING);
      const frames = await framesDecoded(carol, name);
      await expect.poll(() => framesDecoded(carol, name), { timeout: 30_000 }).toBeGreaterThan(frames);
    }
    for (let index = 0; index < 2; index += 1) await expect(remoteTiles(carol).nth(index)).toHaveAttribute('data-quality', RATING);
  } finally {
    // The people leave before the server closes (see the server fixture).
    for (const page of pages) await page.context().close();
    await server.app.close();
  }
});

test('typing I in the name field does not open the panel', async ({ browser, server }) => {
  const page = await openPerson(browser, `${server.url}/?room=quality-typing`);
  await page.getByLabel('Your name').fill('');
  await page.getByLabel('Your name').pressSequentially('Ida');
  await expect(page.getByLabel('Your name')).toHaveValue('Ida');
  await expect(qualityPanel(page)).toBeHidden();
});
