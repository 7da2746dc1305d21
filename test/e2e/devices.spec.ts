/**
 * In-call controls with real devices: what the other page hears when someone mutes, a camera and a
 * microphone switched during the call (Chromium's fake devices, told apart by picture and tone), a
 * headset plugged in and pulled out, a screen shared (in place of the camera, or beside it) and
 * stopped from the browser's own bar, and a
 * verification code that differs when someone in the middle rewrote a fingerprint.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expectSilent, expectTalking } from './support/audioLevel.js';
import { CAMERAS, MICROPHONE_LABELS, MICROPHONE_TONES_HZ, installFakeDevices, launchMediaBrowser, look, lookOrWait, plugDevice, unplugDevice } from './support/fakeDevices.js';
import {
  CONNECTED,
  WAITING,
  countSentDescriptions,
  expect,
  expectRemoteVideoMoving,
  expectState,
  expectVideoMoving,
  openPerson,
  remoteTiles,
  test as base,
  type Prepare,
} from './support/fixtures.js';
import { openScreenToShare } from './support/screenShare.js';
import { tamperFingerprints } from './support/tamperSignaling.js';

const test = base.extend<{ media: Browser; sharing: Browser }>({
  media: async ({}, use) => {
    const browser = await launchMediaBrowser();
    try {
      await use(browser);
    } finally {
      await browser.close();
    }
  },
  sharing: async ({}, use) => {
    const browser = await launchMediaBrowser({ screenShare: true });
    try {
      await use(browser);
    } finally {
      await browser.close();
    }
  },
});

/**
 * Alice waits, Bob joins; each prepared before the page opens. `sent` counts the SDP messages
 * each page has sent since it opened.
 */
async function pair(url: string, room: string, alice: { browser: Browser; prepare?: Prepare }, bob: { browser: Browser; prepare?: Prepare }) {
  const alicePage = await openPerson(alice.browser, `${url}/?room=${room}`, alice.prepare ? { prepare: alice.prepare } : {});
  const aliceSent = countSentDescriptions(alicePage);
  await alicePage.getByRole('button', { name: 'Start' }).click();
  await expectState(alicePage, WAITING);
  const bobPage = await openPerson(bob.browser, `${url}/?room=${room}`, bob.prepare ? { prepare: bob.prepare } : {});
  const bobSent = countSentDescriptions(bobPage);
  await bobPage.getByRole('button', { name: 'Start' }).click();
  return { alice: alicePage, bob: bobPage, sent: { alice: aliceSent, bob: bobSent } };
}

async function connected(...pages: Page[]) {
  for (const page of pages) await expectState(page, CONNECTED, 60_000);
  for (const page of pages) await expectRemoteVideoMoving(page);
}

const remoteVideo = (page: Page) => remoteTiles(page).first().locator('video');

test('muted, the other side hears silence; unmuted, the sound is back', async ({ media, server }) => {
  const { alice, bob } = await pair(server.url, 'devices-mute', { browser: media, prepare: installFakeDevices }, { browser: media, prepare: installFakeDevices });
  await connected(alice, bob);
  await expectTalking(remoteVideo(alice));
  await bob.keyboard.press('m');
  await expectSilent(remoteVideo(alice));
  await expect(remoteTiles(alice).first()).toHaveAttribute('data-audio', 'off');
  await bob.keyboard.press('m');
  await expectTalking(remoteVideo(alice));
});

test('a camera and a microphone chosen during the call are what the other side sees and hears, with no renegotiation', async ({ media, server }) => {
  const { alice, bob, sent } = await pair(server.url, 'devices-switch', { browser: media, prepare: installFakeDevices }, { browser: media, prepare: installFakeDevices });
  await connected(alice, bob);
  await expect.poll(() => lookOrWait(remoteVideo(alice))).toBe(CAMERAS[0].look);
  await expectTalking(remoteVideo(alice), MICROPHONE_TONES_HZ[0]);

  // A second camera: a webcam plugged in, showing blue. (Chromium's second fake camera, from a
  // 16-bit grey format, shows black once asked for 720p.)
  await plugDevice(bob, { kind: 'videoinput', label: 'USB camera', colour: '#0000ff' });
  // Bob came later, so he made the offer: the count sees his socket.
  const sentBefore = sent.bob();
  expect(sentBefore, 'SDP messages Bob sent to join').toBeGreaterThan(0);
  await bob.getByRole('button', { name: 'Devices' }).click();
  await bob.locator('#choose-camera').selectOption({ label: 'USB camera' });
  await bob.locator('#choose-microphone').selectOption({ label: MICROPHONE_LABELS[2] });
  await bob.getByRole('button', { name: 'Done' }).click();

  await expect.poll(() => lookOrWait(remoteVideo(alice)), { timeout: 15_000 }).toBe('blue');
  await expectTalking(remoteVideo(alice), MICROPHONE_TONES_HZ[2]);
  await expect(bob.locator('#media-note')).toContainText('Now using');
  expect(sent.bob(), 'SDP messages Bob sent for the switch').toBe(sentBefore);
});

test('a headset plugged in is offered; the microphone in use pulled out is replaced, and the call goes on', async ({ media, server }) => {
  const { alice, bob } = await pair(server.url, 'devices-plug', { browser: media, prepare: installFakeDevices }, { browser: media, prepare: installFakeDevices });
  await connected(alice, bob);

  await plugDevice(bob, { kind: 'audioinput', label: 'USB headset', toneHz: 900 });
  await expect(bob.locator('#media-note')).toContainText('A new microphone is there: USB headset');
  await bob.getByRole('button', { name: 'Devices' }).click();
  await bob.locator('#choose-microphone').selectOption({ label: 'USB headset' });
  await bob.getByRole('button', { name: 'Done' }).click();
  await expectTalking(remoteVideo(alice), 900);

  await unplugDevice(bob, 'USB headset');
  await expect(bob.locator('#media-note')).toContainText('USB headset stopped working or was unplugged; now using');
  await expectTalking(remoteVideo(alice));
  await expect(bob.locator('body')).toHaveAttribute('data-call-state', CONNECTED);
});

test('a shared screen is seen large in place of the camera, and stopping it from the browser brings the camera back', async ({ sharing, server }) => {
  const { alice, bob } = await pair(server.url, 'devices-share', { browser: sharing }, { browser: sharing });
  await connected(alice, bob);
  await expect.poll(() => lookOrWait(remoteVideo(alice))).toBe('green');

  const screen = await openScreenToShare(sharing, '#ff0000');
  await bob.keyboard.press('s');
  await expect(bob.getByRole('button', { name: 'Stop sharing' })).toHaveAttribute('aria-pressed', 'true');
  await expect(remoteTiles(alice).first()).toHaveAttribute('data-screen', 'on');
  await expect.poll(() => lookOrWait(remoteVideo(alice)), { timeout: 15_000 }).toBe('red');

  // The browser's own "Stop sharing": the page follows, and the camera is back for the others.
  await screen.stopSharing();
  await expect(bob.getByRole('button', { name: 'Share screen' })).toBeVisible();
  await expect(remoteTiles(alice).first()).toHaveAttribute('data-screen', 'off');
  await expect.poll(() => lookOrWait(remoteVideo(alice)), { timeout: 15_000 }).toBe('green');
});

test('a screen shared beside the camera is seen large with the camera small inside it; stopping it from the browser leaves the camera', async ({ sharing, server }) => {
  // Many steps, each waiting for frames on a machine that may be busy.
  test.setTimeout(240_000);
  const { alice, bob, sent } = await pair(server.url, 'devices-beside', { browser: sharing }, { browser: sharing, prepare: installFakeDevices });
  await connected(alice, bob);
  const tile = remoteTiles(alice).first();
  const large = tile.locator('video:not(.inset)');
  const inset = tile.locator('video.inset');
  await expect.poll(() => lookOrWait(large)).toBe('green');
  await expect(inset).toHaveCount(0);

  let screen = await openScreenToShare(sharing, '#ff0000');
  await bob.keyboard.press('b');
  await expect(bob.getByRole('button', { name: 'Screen only' })).toHaveAttribute('aria-pressed', 'true');
  await expect(bob.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  await expect(tile).toHaveAttribute('data-screen', 'on');
  await expect(tile).toHaveAttribute('data-video', 'on');
  // Two videos: the screen large, the camera (still sent) small and moving.
  await expect.poll(() => lookOrWait(large), { timeout: 60_000 }).toBe('red');
  await expect(inset).toHaveCount(1, { timeout: 60_000 });
  await expect.poll(() => lookOrWait(inset), { timeout: 60_000 }).toBe('green');
  await expectVideoMoving(inset, 60_000);
  await expectVideoMoving(large, 60_000);

  // Another camera while sharing: replaced in place, with no renegotiation, the screen untouched.
  await plugDevice(bob, { kind: 'videoinput', label: 'USB camera', colour: '#0000ff' });
  const sentBefore = sent.bob();
  expect(sentBefore, 'SDP messages Bob sent for the call and the share').toBeGreaterThan(0);
  await bob.getByRole('button', { name: 'Devices' }).click();
  await bob.locator('#choose-camera').selectOption({ label: 'USB camera' });
  await bob.getByRole('button', { name: 'Done' }).click();
  await expect.poll(() => lookOrWait(inset), { timeout: 60_000 }).toBe('blue');
  expect(await look(large)).toBe('red');
  expect(sent.bob(), 'SDP messages Bob sent for the camera switch').toBe(sentBefore);

  // In place of the camera, then beside it again, while sharing.
  await bob.keyboard.press('b');
  await expect(bob.getByRole('button', { name: 'Show camera too' })).toHaveAttribute('aria-pressed', 'false');
  await expect(inset).toHaveCount(0, { timeout: 60_000 });
  await expect.poll(() => lookOrWait(large), { timeout: 60_000 }).toBe('red');
  await bob.keyboard.press('b');
  await expect(inset).toHaveCount(1, { timeout: 60_000 });
  await expect.poll(() => lookOrWait(inset), { timeout: 60_000 }).toBe('blue');
  await expect.poll(() => lookOrWait(large), { timeout: 60_000 }).toBe('red');

  // The browser's own "Stop sharing": back to one video, the camera's, and the call goes on.
  await screen.stopSharing();
  await expect(bob.getByRole('button', { name: 'Share beside camera' })).toBeVisible();
  await expect(tile).toHaveAttribute('data-screen', 'off');
  await expect(inset).toHaveCount(0, { timeout: 60_000 });
  await expect.poll(() => lookOrWait(large), { timeout: 60_000 }).toBe('blue');
  await expectVideoMoving(large, 60_000);
  for (const page of [alice, bob]) await expect(page.locator('body')).toHaveAttribute('data-call-state', CONNECTED);
  await expectRemoteVideoMoving(bob, 1, { timeout: 60_000 });

  // Shared again: the same way back.
  screen = await openScreenToShare(sharing, '#ff0000');
  await bob.keyboard.press('b');
  await expect.poll(() => lookOrWait(large), { timeout: 60_000 }).toBe('red');
  await expect(inset).toHaveCount(1, { timeout: 60_000 });
  await expect.poll(() => lookOrWait(inset), { timeout: 60_000 }).toBe('blue');
  await screen.stopSharing();
  await expect(inset).toHaveCount(0, { timeout: 60_000 });
  await expect(tile).toHaveAttribute('data-screen', 'off');
});

test('a screen shared beside the camera before the other person comes reaches them when they join', async ({ sharing, server }) => {
  // The earlier person answers the first offer; their screen then needs an offer of their own.
  const alice = await openPerson(sharing, `${server.url}/?room=devices-beside-early`);
  await alice.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, WAITING);
  const screen = await openScreenToShare(sharing, '#ff0000');
  try {
    await alice.getByRole('button', { name: 'Share beside camera' }).click();
    await expect(alice.getByRole('button', { name: 'Screen only' })).toBeVisible();
    const bob = await openPerson(sharing, `${server.url}/?room=devices-beside-early`);
    await bob.getByRole('button', { name: 'Start' }).click();
    await expectState(bob, CONNECTED, 60_000);
    const tile = remoteTiles(bob).first();
    await expect(tile).toHaveAttribute('data-screen', 'on');
    await expect.poll(() => lookOrWait(tile.locator('video:not(.inset)')), { timeout: 60_000 }).toBe('red');
    await expect.poll(() => lookOrWait(tile.locator('video.inset')), { timeout: 60_000 }).toBe('green');
    await expectRemoteVideoMoving(alice, 1, { timeout: 60_000 });
  } finally {
    await screen.stopSharing();
  }
});

/** Keeps every verification code a page shows, from its first moment (the call may end soon after). */
async function recordCodes(context: BrowserContext) {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { seenCodes: string[] }).seenCodes = seen;
    new MutationObserver((changes) => {
      for (const change of changes) {
        const code = (change.target as HTMLElement).dataset.verificationCode;
        if (code && !seen.includes(code)) seen.push(code);
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-verification-code'] });
  });
}
const seenCodes = (page: Page) => page.evaluate(() => (window as unknown as { seenCodes: string[] }).seenCodes);

test('when someone in the middle rewrites a fingerprint, the two codes differ', async ({ browser, server }) => {
  let rewritten = () => 0;
  const { alice, bob } = await pair(server.url, 'devices-tamper', { browser, prepare: recordCodes }, {
    browser,
    prepare: async (context) => {
      await recordCodes(context);
      rewritten = (await tamperFingerprints(context)).rewritten;
    },
  });
  await expect.poll(() => seenCodes(alice), { timeout: 60_000 }).toHaveLength(1);
  await expect.poll(() => seenCodes(bob), { timeout: 60_000 }).toHaveLength(1);
  expect(rewritten(), 'descriptions rewritten on the way to Bob').toBeGreaterThan(0);
  const [onAlice] = await seenCodes(alice);
  const [onBob] = await seenCodes(bob);
  expect(onAlice).toMatch(/^\d{4} \d{4}$/);
  expect(onBob).toMatch(/^\d{4} \d{4}$/);
  expect(onBob).not.toBe(onAlice);
  // Nor does the call connect: the media is encrypted to the real certificates. Bob's page,
  // which checks Alice's certificate against the rewritten fingerprint, says the call could not
  // be secured rather than blaming the networks, or saying Alice left (her page fails too and
  // may leave first), and names his code now that the tile is gone.
  await expect(bob.getByRole('status')).toContainText('The call could not be secured', { timeout: 60_000 });
  await expect(bob.getByRole('status')).toContainText(`Your code was ${onBob}`);
});
