import { chromium } from '@playwright/test';
import {
  CONNECTED,
  WAITING,
  connectedPair,
  expect,
  expectRemoteVideoMoving,
  expectState,
  openPerson,
  remoteTiles,
  roomOf,
  test,
} from './support/fixtures.js';

test('two people join by link and see each other', async ({ browser, server }) => {
  const alice = await openPerson(browser, `${server.url}/`);
  const link = alice.url();
  expect(roomOf(alice)).toMatch(/^[A-Za-z0-9_-]{22}$/);

  await alice.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, WAITING);
  await expect(alice.locator('#self-view')).toBeVisible();
  await expect(alice.getByRole('status')).toContainText('Waiting for the other person');

  const bob = await openPerson(browser, link);
  expect(roomOf(bob)).toBe(roomOf(alice));
  await bob.getByRole('button', { name: 'Start' }).click();

  await expectState(alice, CONNECTED);
  await expectState(bob, CONNECTED);
  await expect(bob.getByRole('status')).toContainText('Connected');
  await expectRemoteVideoMoving(alice);
  await expectRemoteVideoMoving(bob);
  // The self-view is muted so nobody hears themselves.
  expect(await bob.locator('#self-view').evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
});

test('both pressing Start at the same moment still connect', async ({ browser, server }) => {
  const alice = await openPerson(browser, `${server.url}/?room=glare-test`);
  const bob = await openPerson(browser, `${server.url}/?room=glare-test`);
  await Promise.all([
    alice.getByRole('button', { name: 'Start' }).click(),
    bob.getByRole('button', { name: 'Start' }).click(),
  ]);
  await expectState(alice, CONNECTED);
  await expectState(bob, CONNECTED);
  await expectRemoteVideoMoving(alice);
  await expectRemoteVideoMoving(bob);
});

test('hanging up ends the call on both sides and turns the camera off', async ({ browser, server }) => {
  const { alice, bob } = await connectedPair(browser, server.url, 'hang-up');

  // Keep a handle on the camera stream the page showed, to see its tracks stop.
  await bob.evaluate(() => {
    const stream = (document.getElementById('self-view') as HTMLVideoElement).srcObject as MediaStream;
    (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks = stream.getTracks();
  });
  await bob.getByRole('button', { name: 'Hang up' }).click();
  await expectState(bob, 'ended');
  const trackStates = await bob.evaluate(() =>
    (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks.map((track) => track.readyState),
  );
  expect(trackStates).toEqual(['ended', 'ended']);
  await expect(bob.locator('#self-view')).toBeHidden();
  await expect(remoteTiles(bob)).toHaveCount(0);

  await expectState(alice, WAITING);
  await expect(alice.getByRole('status')).toContainText('The other person left');
  await expect(remoteTiles(alice)).toHaveCount(0);

  // They can call again: Bob starts once more and both connect.
  await bob.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, CONNECTED);
  await expectState(bob, CONNECTED);
  await expectRemoteVideoMoving(alice);
});

test('a third person is told the room is full and the call goes on', async ({ browser, server }) => {
  const { alice, bob } = await connectedPair(browser, server.url, 'full-room');

  const carol = await openPerson(browser, `${server.url}/?room=full-room`);
  await carol.getByRole('button', { name: 'Start' }).click();
  await expectState(carol, 'roomFull');
  await expect(carol.getByRole('status')).toContainText('is full: it holds 2 people');
  await expect(carol.getByRole('button', { name: 'Try again' })).toBeVisible();
  await expect(carol.locator('#self-view')).toBeHidden();

  expect(await alice.locator('body').getAttribute('data-call-state')).toMatch(CONNECTED);
  expect(await bob.locator('body').getAttribute('data-call-state')).toMatch(CONNECTED);
  await expectRemoteVideoMoving(alice);
});

test('camera access denied says so and offers to try again', async ({ server }) => {
  // No fake-UI flag: the permission prompt is refused, as when a person clicks Block.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--use-fake-device-for-media-stream'],
  });
  try {
    const page = await openPerson(browser, `${server.url}/?room=denied`);
    await page.getByRole('button', { name: 'Start' }).click();
    await expectState(page, 'mediaError.denied');
    await expect(page.getByRole('status')).toContainText('access was blocked');
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  } finally {
    await browser.close();
  }
});

test('no camera at all says so', async ({ server }) => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--use-fake-ui-for-media-stream'],
  });
  try {
    const page = await openPerson(browser, `${server.url}/?room=no-camera`);
    await page.getByRole('button', { name: 'Start' }).click();
    await expectState(page, 'mediaError.missing');
    await expect(page.getByRole('status')).toContainText('No camera or microphone was found');
  } finally {
    await browser.close();
  }
});

test('an unreachable server is reported with a way to try again', async ({ browser, server }) => {
  const page = await openPerson(browser, `${server.url}/?room=offline`);
  await server.app.close();
  await page.getByRole('button', { name: 'Start' }).click();
  await expectState(page, 'signalingLost');
  await expect(page.getByRole('status')).toContainText('Cannot reach the call server');
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
});
