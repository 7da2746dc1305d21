// The test support for in-call controls, proved on Chromium itself: fake devices told apart,
// plugged in and pulled out, a screen shared with no prompt and stopped as by the browser, the
// level and tone of received audio, and fingerprints rewritten on the way.
import type { Browser, Page } from '@playwright/test';
import { audioLevel, expectSilent, expectTalking } from './support/audioLevel.js';
import { CAMERAS, MICROPHONE_LABELS, MICROPHONE_TONES_HZ, installFakeDevices, lookOrWait, mediaBrowserFixture, plugDevice, unplugDevice } from './support/fakeDevices.js';
import { CONNECTED, WAITING, expect, expectRemoteVideoMoving, expectState, openPage, openPerson, remoteTiles, test as base } from './support/fixtures.js';
import { watchPeerConnections } from './support/peerConnections.js';
import { openScreenToShare } from './support/screenShare.js';
import { tamperFingerprints } from './support/tamperSignaling.js';

const test = base.extend<{ media: Browser; sharing: Browser }>({
  media: mediaBrowserFixture(),
  sharing: mediaBrowserFixture({ screenShare: true }),
});

/** Shows what getUserMedia gives for `constraints` in a new `<video id>` of the page. */
async function capture(page: Page, id: string, constraints: MediaStreamConstraints) {
  await page.evaluate(
    async ({ id, constraints }) => {
      const video = document.createElement('video');
      video.id = id;
      video.muted = true;
      video.srcObject = await navigator.mediaDevices.getUserMedia(constraints);
      document.body.append(video);
      await video.play();
    },
    { id, constraints },
  );
  return page.locator(`#${id}`);
}

const deviceId = (page: Page, label: string) =>
  page.evaluate(async (label) => (await navigator.mediaDevices.enumerateDevices()).find((device) => device.label === label)?.deviceId, label);

test('two fake cameras look different and three fake microphones play different tones', async ({ media, server }) => {
  const page = await openPage(media, `${server.url}/?simulate`, installFakeDevices);
  await capture(page, 'first-use', { audio: true, video: true }); // labels and ids come with permission
  for (const [index, camera] of CAMERAS.entries()) {
    const id = await deviceId(page, camera.label);
    expect(id, `a camera labelled ${camera.label}`).toBeTruthy();
    const video = await capture(page, `camera-${index}`, { video: { deviceId: { exact: id! } } });
    await expect.poll(() => lookOrWait(video)).toBe(camera.look);
  }
  for (const [index, label] of MICROPHONE_LABELS.entries()) {
    const id = await deviceId(page, label);
    expect(id, `a microphone labelled ${label}`).toBeTruthy();
    const microphone = await capture(page, `microphone-${index}`, { audio: { deviceId: { exact: id! } } });
    await expectTalking(microphone, MICROPHONE_TONES_HZ[index]);
    expect(await microphone.evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getAudioTracks()[0]!.label)).toBe(label);
  }
});

test('a device pulled out ends its track and fires devicechange; one plugged in shows up and plays', async ({ media, server }) => {
  const page = await openPage(media, `${server.url}/?simulate`, installFakeDevices);
  await page.evaluate(() => {
    const record = window as unknown as { deviceChanges: number };
    record.deviceChanges = 0;
    navigator.mediaDevices.addEventListener('devicechange', () => (record.deviceChanges += 1));
  });
  const changes = () => page.evaluate(() => (window as unknown as { deviceChanges: number }).deviceChanges);
  const labels = () => page.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).map((device) => device.label));

  const headset = await capture(page, 'in-use', { audio: true, video: true });
  await capture(page, 'second-mic', { audio: { deviceId: { exact: (await deviceId(page, MICROPHONE_LABELS[1]))! } } });
  const pulledId = (await deviceId(page, MICROPHONE_LABELS[1]))!;
  await page.evaluate(() => {
    const track = ((document.getElementById('second-mic') as HTMLVideoElement).srcObject as MediaStream).getAudioTracks()[0]!;
    track.addEventListener('ended', () => ((window as unknown as { endedAt: number }).endedAt = performance.now()));
    navigator.mediaDevices.addEventListener('devicechange', () => ((window as unknown as { changedAt: number }).changedAt = performance.now()));
  });
  await unplugDevice(page, MICROPHONE_LABELS[1]);
  const after = await page.evaluate(() => {
    const record = window as unknown as { endedAt?: number; changedAt?: number };
    const track = ((document.getElementById('second-mic') as HTMLVideoElement).srcObject as MediaStream).getAudioTracks()[0]!;
    return { state: track.readyState, endedFirst: record.endedAt !== undefined && record.changedAt !== undefined && record.endedAt <= record.changedAt };
  });
  expect(after).toEqual({ state: 'ended', endedFirst: true });
  expect(await changes()).toBe(1);
  expect(await labels()).not.toContain(MICROPHONE_LABELS[1]);
  // The other tracks carry on; asking for the pulled device by id fails as with a real one.
  await expectTalking(headset, MICROPHONE_TONES_HZ[0]);
  const refused = await page.evaluate(
    (id) => navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: id } } }).then(() => 'opened', (error: Error) => error.name),
    pulledId,
  );
  expect(refused).toBe('OverconstrainedError');

  const plugged = await plugDevice(page, { kind: 'audioinput', label: 'USB headset', toneHz: 900 });
  await plugDevice(page, { kind: 'videoinput', label: 'USB camera', colour: '#0000ff' });
  expect(await changes()).toBe(3);
  expect(await labels()).toEqual(expect.arrayContaining(['USB headset', 'USB camera']));
  const usb = await capture(page, 'usb', { audio: { deviceId: { exact: plugged } }, video: { deviceId: { exact: (await deviceId(page, 'USB camera'))! } } });
  await expectTalking(usb, 900);
  await expect.poll(() => lookOrWait(usb)).toBe('blue');
  const settings = await usb.evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getAudioTracks()[0]!.getSettings().deviceId);
  expect(settings).toBe(plugged);
});

test('over a call the other page hears the tone, silence while the track is disabled, and sees the camera', async ({ media, server }) => {
  const room = `media-${Date.now()}`;
  const alice = await openPerson(media, `${server.url}/?room=${room}`, { prepare: installFakeDevices });
  await alice.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, WAITING);
  const bob = await openPerson(media, `${server.url}/?room=${room}`, { prepare: installFakeDevices });
  await bob.getByRole('button', { name: 'Start' }).click();
  await expectState(bob, CONNECTED);
  await expectRemoteVideoMoving(bob);
  const fromAlice = remoteTiles(bob).first().locator('video');

  await expectTalking(fromAlice, MICROPHONE_TONES_HZ[0]);
  await expect.poll(() => lookOrWait(fromAlice)).toBe(CAMERAS[0].look);
  const setSending = (enabled: boolean) =>
    alice.evaluate((enabled) => {
      for (const track of ((document.getElementById('self-view') as HTMLVideoElement).srcObject as MediaStream).getAudioTracks()) track.enabled = enabled;
    }, enabled);
  await setSending(false);
  await expectSilent(fromAlice);
  await setSending(true);
  await expectTalking(fromAlice, MICROPHONE_TONES_HZ[0]);
  const level = await audioLevel(fromAlice);
  console.log(`received tone: peak ${level.peak.toFixed(2)}, rms ${level.rms.toFixed(2)}, ${level.dominantHz?.toFixed(0)} Hz`);
});

test('a screen is shared with no prompt, beside the camera, and the browser stopping it fires ended', async ({ sharing, server }) => {
  const screen = await openScreenToShare(sharing);
  try {
    const page = await openPage(sharing, `${server.url}/?simulate`);
    const camera = await capture(page, 'own-camera', { video: true });
    await expect.poll(() => lookOrWait(camera)).toBe(CAMERAS[0].look);
    await page.evaluate(async () => {
      const video = document.createElement('video');
      video.id = 'screen';
      video.muted = true;
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const track = stream.getVideoTracks()[0]!;
      track.addEventListener('ended', () => ((window as unknown as { shareEnded: boolean }).shareEnded = true));
      video.srcObject = stream;
      document.body.append(video);
      await video.play();
    });
    const shown = page.locator('#screen');
    await expect.poll(() => lookOrWait(shown)).toBe('red');
    const surface = await shown.evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getVideoTracks()[0]!.getSettings().displaySurface);
    expect(surface).toBe('browser');

    await screen.stopSharing();
    await expect.poll(() => page.evaluate(() => (window as unknown as { shareEnded?: boolean }).shareEnded)).toBe(true);
    expect(await shown.evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getVideoTracks()[0]!.readyState)).toBe('ended');
    await expect.poll(() => lookOrWait(camera)).toBe(CAMERAS[0].look);
  } finally {
    await screen.stopSharing();
  }
});

test('a rewritten fingerprint reaches the tampered page only', async ({ browser, server }) => {
  const room = `tamper-${Date.now()}`;
  const alice = await openPerson(browser, `${server.url}/?room=${room}`);
  await watchPeerConnections(alice);
  await alice.getByRole('button', { name: 'Start' }).click();
  await expectState(alice, WAITING);
  let tampering: Awaited<ReturnType<typeof tamperFingerprints>> | undefined;
  const bob = await openPerson(browser, `${server.url}/?room=${room}`, { prepare: async (context) => (tampering = await tamperFingerprints(context)) });
  await watchPeerConnections(bob);
  await bob.getByRole('button', { name: 'Start' }).click();

  const fingerprints = (page: Page) =>
    page.evaluate(() => {
      const pc = (window as unknown as { peerConnections?: RTCPeerConnection[] }).peerConnections?.at(-1);
      const of = (sdp?: string) => /^a=fingerprint:(.+)$/m.exec(sdp ?? '')?.[1]?.trim() ?? null;
      return { local: of(pc?.localDescription?.sdp), remote: of(pc?.remoteDescription?.sdp) };
    });
  await expect.poll(async () => (await fingerprints(bob)).remote !== null && (await fingerprints(alice)).remote !== null).toBe(true);
  const seenByAlice = await fingerprints(alice);
  const seenByBob = await fingerprints(bob);
  expect(seenByAlice.remote).toBe(seenByBob.local);
  expect(seenByBob.remote).not.toBe(seenByAlice.local);
  expect(seenByBob.remote).toHaveLength(seenByAlice.local!.length);
  expect(tampering!.rewritten()).toBeGreaterThan(0);
});
