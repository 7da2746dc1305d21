import { chromium, type Page } from '@playwright/test';
import { CONNECTED, WAITING, expect, expectState, openPerson, test } from './support/fixtures.js';

const currentStateName = (page: Page) => page.locator('#statechart-panel [aria-current="true"] > .state-name');
const latestLogEntry = (page: Page) => page.locator('#statechart-panel .event-log li').first();

test('the statechart follows a real call', async ({ browser, server }) => {
  const alice = await openPerson(browser, `${server.url}/?room=chart`);
  await expect(currentStateName(alice)).toHaveText('idle');

  await alice.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, WAITING);
  await expect(currentStateName(alice)).toHaveText('waiting');
  await expect(alice.locator('#statechart-panel .event-log')).toContainText('signal.welcome');

  const bob = await openPerson(browser, `${server.url}/?room=chart`);
  await bob.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, CONNECTED);
  await expect(currentStateName(alice)).toHaveText('connected');
  await expect(alice.locator('#statechart-panel .transition.taken').last()).toBeVisible();
  await expect(alice.locator('#statechart-panel .event-log')).toContainText('active.room.call.negotiating → active.room.call.connected');

  await bob.getByRole('button', { name: 'Hang up' }).click();
  await expect(currentStateName(bob)).toHaveText('ended');
  await expect(currentStateName(alice)).toHaveText('waiting');
  await expect(latestLogEntry(alice)).toContainText('signal.peerLeft');
  await expect(latestLogEntry(alice)).toContainText('→ active.room.waiting');
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

    await expect(currentStateName(page)).toHaveText('idle');
    await expect(event('user.start')).toBeEnabled();
    await expect(event('media.ready')).toBeDisabled();
    await expect(event('peer.connected')).toBeDisabled();

    await event('user.start').click();
    await expect(currentStateName(page)).toHaveText('capturing');
    await expect(event('user.start')).toBeDisabled();
    await event('media.ready').click();
    await expect(currentStateName(page)).toHaveText('joining');
    await event('signal.welcome (someone there)').click();
    await expect(currentStateName(page)).toHaveText('negotiating');
    await expect(page.getByRole('status')).toContainText('Connecting to Bea');
    await event('peer.connected').click();
    await expect(currentStateName(page)).toHaveText('connected');
    await expect(page.locator('#statechart-panel .transition.taken')).toHaveText('peer.connected → connected');
    await expect(latestLogEntry(page)).toContainText('peer.connected');
    await expect(latestLogEntry(page)).toContainText('active.room.call.negotiating → active.room.call.connected');

    await event('user.hangUp').click();
    await expect(currentStateName(page)).toHaveText('ended');
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
