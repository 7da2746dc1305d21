import { chromium, type Locator, type Page } from '@playwright/test';
import { CONNECTED, WAITING, expect, expectState, openPerson, test } from './support/fixtures.js';

const panel = (page: Page) => page.locator('#statechart-panel');
/** The call machine's chart, or the chart of the person with this key. */
const chart = (page: Page, of: string) => panel(page).locator(of === 'call' || of === 'media' ? `[data-machine="${of}"]` : `[data-person="${of}"]`);
const personCharts = (page: Page) => panel(page).locator('figure[data-person]');
/** The names of a chart's current states: one per parallel region. */
const currentStates = (where: Locator) => where.locator('[aria-current="true"] > .state-name');
const expectCurrent = (where: Locator, name: string) =>
  expect(currentStates(where).filter({ hasText: new RegExp(`^${name}$`) })).toHaveCount(1);
const latestLogEntry = (page: Page) => panel(page).locator('.event-log li').first();
const zoom = (page: Page, how: 'in' | 'out' | 'fit') => panel(page).locator(`[data-zoom="${how}"]`).click();

/**
 * The current states (all of them, or those at `paths`) whose box is not wholly visible inside
 * its chart's viewport and the window; none of them current is a failure too.
 */
function currentStatesOutOfView(page: Page, paths: string[] = []): Promise<string[]> {
  return page.evaluate((paths) => {
    const hidden: string[] = [];
    const current = [...document.querySelectorAll<SVGGElement>('#statechart-panel [aria-current="true"]')].filter(
      (box) => !paths.length || paths.includes(box.dataset.state ?? ''),
    );
    if (current.length < Math.max(1, paths.length)) hidden.push(`only ${current.length} of ${paths.join(', ') || 'the states'} current`);
    for (const box of current) {
      const rect = box.querySelector(':scope > rect')!.getBoundingClientRect();
      const viewport = box.closest('.chart-viewport')!.getBoundingClientRect();
      const inside = (outer: { left: number; right: number; top: number; bottom: number }) =>
        rect.left >= outer.left - 1 && rect.right <= outer.right + 1 && rect.top >= outer.top - 1 && rect.bottom <= outer.bottom + 1;
      const window_ = { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
      if (!inside(viewport) || !inside(window_)) hidden.push(box.dataset.state ?? '?');
    }
    return hidden;
  }, paths);
}

/** Every chart label that spills out of its state box or lies over another label. */
function labelProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const within = (a: DOMRect, b: DOMRect) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
    for (const chart of document.querySelectorAll('.statechart')) {
      const texts = [...chart.querySelectorAll<SVGTextElement>('text')];
      for (const text of texts) {
        const rect = text.closest('g')?.querySelector(':scope > rect');
        if (rect && !within(text.getBoundingClientRect(), rect.getBoundingClientRect())) found.push(`"${text.textContent}" spills out of its state`);
      }
      texts.forEach((a, i) => {
        for (const b of texts.slice(i + 1)) {
          const r = a.getBoundingClientRect();
          const s = b.getBoundingClientRect();
          // Text a few pixels high is rasterised with up to a pixel of slack: count what covers more.
          if (r.left < s.right - 1 && s.left < r.right - 1 && r.top < s.bottom - 1 && s.top < r.bottom - 1) found.push(`"${a.textContent}" overlaps "${b.textContent}"`);
        }
      });
    }
    return found;
  });
}

test('the statechart follows a real call, and the peer machine of the person in it', async ({ browser, server }) => {
  const alice = await openPerson(browser, `${server.url}/?room=chart`);
  await expectCurrent(chart(alice, 'call'), 'idle');
  await expect(personCharts(alice)).toHaveCount(0);

  await alice.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, WAITING);
  await expectCurrent(chart(alice, 'call'), 'waiting');
  await expect(panel(alice).locator('.event-log')).toContainText('signal.welcome');

  const bob = await openPerson(browser, `${server.url}/?room=chart`);
  await bob.getByLabel('Your name').fill('Bob');
  await bob.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, CONNECTED);
  await expectCurrent(chart(alice, 'call'), 'connected');
  // Beside the call's chart: Bob's peer machine, named for him, in its state by name.
  await expect(personCharts(alice)).toHaveCount(1);
  const bobsChart = chart(alice, 'person-1');
  await expect(bobsChart.locator('figcaption')).toHaveText('Bob (person-1) connection.connected');
  await expectCurrent(bobsChart, 'connected');
  await expect(bobsChart.locator('[data-state="connection"]')).toHaveClass(/active/);
  await expect(panel(alice).locator('.transition.taken').first()).toBeVisible();
  await expect(panel(alice).locator('.event-log')).toContainText('active.room.call.inCall.negotiating → active.room.call.inCall.connected');
  await expect(panel(alice).locator('.event-log li', { hasText: 'Bob (person-1): peer.connected' })).toContainText(
    'connection.negotiating → connection.connected',
  );
  expect(await currentStatesOutOfView(alice)).toEqual([]);

  await bob.getByRole('button', { name: 'Hang up' }).click();
  await expectCurrent(chart(bob, 'call'), 'ended');
  await expectCurrent(chart(alice, 'call'), 'waiting');
  await expect(personCharts(alice)).toHaveCount(0);
  await expect(personCharts(bob)).toHaveCount(0);
  await expect(latestLogEntry(alice)).toContainText('signal.peerLeft');
  await expect(latestLogEntry(alice)).toContainText('→ active.room.call.waiting');
});

test('the machines can be explored in simulation with simulated people, without a camera or a server', async ({ server }) => {
  test.setTimeout(120_000);
  // No fake camera: the simulation must never ask for one.
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${server.url}/?simulate`);
    const controls = panel(page).locator('.simulation-controls');
    const event = (label: string) => controls.locator(`.call-events button[data-event="${label}"]`);
    const deviceEvent = (label: string) => controls.locator(`.media-events button[data-event="${label}"]`);
    const join = controls.getByRole('button', { name: 'Someone joins' });
    const person = (key: string) => controls.locator(`fieldset[data-person="${key}"]`);
    const peerEvent = (key: string, label: string) => person(key).locator(`button[data-event="${label}"]`);
    const call = chart(page, 'call');
    const tiles = page.locator('#people .tile');

    await expectCurrent(call, 'idle');
    await expect(event('user.start')).toBeEnabled();
    await expect(deviceEvent('media.ready')).toBeDisabled();
    await expect(join).toBeDisabled();

    await event('user.start').click();
    await expectCurrent(call, 'capturing');
    await expect(event('user.start')).toBeDisabled();
    await expect(event('user.toggleMicrophone')).toBeDisabled();
    // The camera comes on: the local media machine says so, and the call machine follows.
    const media = chart(page, 'media');
    await expectCurrent(media, 'capturing');
    await deviceEvent('media.ready').click();
    await expectCurrent(call, 'joining');
    await expect(media.locator('.chart-state')).toContainText('microphone.on');
    await event('user.toggleMicrophone').click();
    await expect(media.locator('.chart-state')).toContainText('microphone.off');
    await event('user.toggleScreen').click();
    await expect(deviceEvent('device.screenOn')).toBeEnabled();
    await deviceEvent('device.screenOn').click();
    await expect(media.locator('.chart-state')).toContainText('screen.on.instead');
    await event('user.toggleScreenBeside').click();
    await expect(media.locator('.chart-state')).toContainText('screen.on.beside');
    await event('signal.welcome (room empty)').click();
    await expectCurrent(call, 'waiting');
    await expect(personCharts(page)).toHaveCount(0);

    // Two people join: each gets a peer machine, a chart beside the call's, and a tile.
    await join.click();
    await expectCurrent(call, 'negotiating');
    await expect(chart(page, 'person-1').locator('figcaption')).toHaveText('Bea (person-1) connection.negotiating');
    await join.click();
    await expect(chart(page, 'person-2').locator('figcaption')).toHaveText('Cy (person-2) connection.negotiating');
    await expect(tiles).toHaveCount(2);
    await expect(tiles.nth(0)).toHaveAttribute('data-peer-state', 'connection.negotiating');
    await expect(tiles.nth(1).locator('.name')).toHaveText('Cy');
    await expect(page.getByRole('status')).toContainText('Bea');

    // Each peer machine takes the events its state accepts, from its own buttons.
    await expect(peerEvent('person-1', 'peer.disconnected')).toBeDisabled();
    await peerEvent('person-1', 'peer.connected').click();
    await expectCurrent(chart(page, 'person-1'), 'connected');
    await expect(chart(page, 'person-1').locator('.transition.taken')).toHaveText('peer.connected → connected');
    // Newest first: Bea's event, then what the call machine made of it (her status report).
    await expect(panel(page).locator('.event-log li').nth(1)).toContainText('Bea (person-1): peer.connected connection.negotiating → connection.connected');
    await expect(latestLogEntry(page)).toContainText('pair.status stays in');
    await expect(peerEvent('person-1', 'peer.connected')).toBeDisabled();
    await expect(peerEvent('person-1', 'peer.disconnected')).toBeEnabled();
    await expect(tiles.nth(0)).toHaveAttribute('data-peer-state', 'connection.connected');
    // One of two connected: the call still connects.
    await expectCurrent(call, 'negotiating');
    await peerEvent('person-2', 'peer.connected').click();
    await expectCurrent(call, 'connected');
    await expect(page.locator('body')).toHaveAttribute('data-call-state', /active\.room\.call\.inCall\.connected/);

    await peerEvent('person-2', 'peer.disconnected').click();
    await expectCurrent(chart(page, 'person-2'), 'interrupted');
    await expect(tiles.nth(1)).toHaveAttribute('data-peer-state', 'connection.interrupted');
    await expectCurrent(call, 'negotiating');

    // Cy leaves: her chart, her buttons and her tile go; the call with Bea carries on.
    await person('person-2').getByRole('button', { name: 'Cy leaves' }).click();
    await expect(personCharts(page)).toHaveCount(1);
    await expect(person('person-2')).toHaveCount(0);
    await expect(tiles).toHaveCount(1);
    await expectCurrent(call, 'connected');
    await expect(panel(page).locator('.event-log li', { hasText: 'signal.peerLeft' }).first()).toBeVisible();

    // Fitted, every current state is in view; zoomed in, each chart keeps the state it entered last in view.
    expect(await currentStatesOutOfView(page)).toEqual([]);
    // Two steps: three charts share the panel's width, and a state box must still fit its chart.
    for (let i = 0; i < 2; i += 1) await zoom(page, 'in');
    await expect(panel(page).locator('[data-zoom="fit"]')).toHaveAttribute('aria-pressed', 'false');
    await peerEvent('person-1', 'peer.failed').click();
    await expectCurrent(chart(page, 'person-1'), 'restarting');
    await expectCurrent(call, 'negotiating');
    expect(await currentStatesOutOfView(page, ['active.room.call.inCall.negotiating', 'connection.restarting'])).toEqual([]);
    await zoom(page, 'fit');
    await expect(panel(page).locator('[data-zoom="fit"]')).toHaveAttribute('aria-pressed', 'true');
    expect(await currentStatesOutOfView(page)).toEqual([]);

    await event('user.hangUp').click();
    await expectCurrent(call, 'ended');
    await expect(personCharts(page)).toHaveCount(0);
    await expect(tiles).toHaveCount(0);
    await expect(page.locator('body')).toHaveAttribute('data-call-state', 'ended');
    expect(sockets).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('the charts are readable: every label inside its state box, none over another', async ({ browser, server }) => {
  const page = await openPerson(browser, `${server.url}/?simulate`);
  const event = (label: string) => panel(page).locator(`.call-events button[data-event="${label}"]`);
  await event('user.start').click();
  await event('signal.welcome (room empty)').click();
  await panel(page).getByRole('button', { name: 'Someone joins' }).click();
  await expect(personCharts(page)).toHaveCount(1);
  // The call's, the local media machine's and the person's.
  await expect(panel(page).locator('.statechart')).toHaveCount(3);

  // Fitted (small), and zoomed in as far as it goes.
  expect(await labelProblems(page)).toEqual([]);
  for (let i = 0; i < 12; i += 1) await zoom(page, 'in');
  expect(await labelProblems(page)).toEqual([]);
});
