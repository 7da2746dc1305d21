import { chromium, type Page } from '@playwright/test';
import { CONNECTED, WAITING, expect, expectState, openPerson, test } from './support/fixtures.js';

/** The names of the current states: one per parallel region. */
const currentStates = (page: Page) => page.locator('#statechart-panel [aria-current="true"] > .state-name');
const expectCurrent = (page: Page, name: string) => expect(currentStates(page).filter({ hasText: new RegExp(`^${name}$`) })).toHaveCount(1);
const latestLogEntry = (page: Page) => page.locator('#statechart-panel .event-log li').first();

test('the statechart follows a real call', async ({ browser, server }) => {
  const alice = await openPerson(browser, `${server.url}/?room=chart`);
  await expectCurrent(alice, 'idle');

  await alice.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, WAITING);
  await expectCurrent(alice, 'waiting');
  await expect(alice.locator('#statechart-panel .event-log')).toContainText('signal.welcome');

  const bob = await openPerson(browser, `${server.url}/?room=chart`);
  await bob.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, CONNECTED);
  await expectCurrent(alice, 'connected');
  await expect(alice.locator('#statechart-panel .transition.taken').last()).toBeVisible();
  await expect(alice.locator('#statechart-panel .event-log')).toContainText('active.room.call.inCall.negotiating → active.room.call.inCall.connected');

  await bob.getByRole('button', { name: 'Hang up' }).click();
  await expectCurrent(bob, 'ended');
  await expectCurrent(alice, 'waiting');
  await expect(latestLogEntry(alice)).toContainText('signal.peerLeft');
  await expect(latestLogEntry(alice)).toContainText('→ active.room.call.waiting');
});

test('the machine can be explored in simulation, without a camera or a server', async ({ server }) => {
  // No fake camera: the simulation must never ask for one.
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${server.url}/?simulate`);
    const event = (label: string) => page.locator(`#statechart-panel button[data-event="${label}"]`);

    await expectCurrent(page, 'idle');
    await expect(event('user.start')).toBeEnabled();
    await expect(event('media.ready')).toBeDisabled();
    await expect(event('peer.connected')).toBeDisabled();

    await event('user.start').click();
    await expectCurrent(page, 'capturing');
    await expect(event('user.start')).toBeDisabled();
    await event('media.ready').click();
    await expectCurrent(page, 'joining');
    await event('signal.welcome (someone there, relay only)').click();
    await expectCurrent(page, 'negotiating');
    await expect(page.getByRole('status')).toContainText('Connecting to Bea');
    await event('peer.connected').click();
    await expectCurrent(page, 'connected');
    await expect(page.locator('#statechart-panel .transition.taken')).toHaveText('peer.connected → connected');
    await expect(latestLogEntry(page)).toContainText('peer.connected');
    await expect(latestLogEntry(page)).toContainText('active.room.call.inCall.negotiating → active.room.call.inCall.connected');

    await event('user.hangUp').click();
    await expectCurrent(page, 'ended');
    await expect(page.locator('body')).toHaveAttribute('data-call-state', 'ended');
    expect(sockets).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('the chart is readable: every label inside its state box, none over another', async ({ browser, server }) => {
  const page = await openPerson(browser, `${server.url}/?simulate`);
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    const within = (a: DOMRect, b: DOMRect) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
    const texts = [...document.querySelectorAll<SVGTextElement>('.statechart text')];
    for (const text of texts) {
      const rect = text.closest('g')?.querySelector(':scope > rect');
      if (rect && !within(text.getBoundingClientRect(), rect.getBoundingClientRect())) found.push(`"${text.textContent}" spills out of its state`);
    }
    texts.forEach((a, i) => {
      for (const b of texts.slice(i + 1)) {
        const r = a.getBoundingClientRect();
        const s = b.getBoundingClientRect();
        if (r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom) found.push(`"${a.textContent}" overlaps "${b.textContent}"`);
      }
    });
    return found;
  });
  expect(problems).toEqual([]);
});
