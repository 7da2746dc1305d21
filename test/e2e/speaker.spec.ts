/**
 * The speaker chosen under Devices is where the others are heard, checked at the speakers
 * themselves: a PulseAudio server of the test's own with two null sinks, "Speakers-A" (the
 * system's default, as the first sink) and "Headset-B". The listener's Chromium plays to that
 * server (without Playwright's `--mute-audio`), and what each sink plays is read from its monitor.
 * Each of the others' microphones plays a tone of its own, so their sounds are told apart there.
 *
 * The listener's Chromium runs without the fake-device flag (with it, Chromium lists its own fake
 * speakers, not the server's sinks), so it has no camera or microphone of its own: a camera and a
 * microphone are plugged into its page (see fakeDevices.ts). The others use Chromium's fake
 * devices, muted, and never reach this server.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { installFakeDevices, mediaBrowserFixture, plugDevice } from './support/fakeDevices.js';
import { CONNECTED, WAITING, expect, expectRemoteVideoMoving, expectState, openPerson, remoteTiles, test as base } from './support/fixtures.js';
import { GROUP_WAIT } from './support/groupCall.js';
import { startPulseAudio, type PulseAudio } from './support/pulseAudio.js';

const SPEAKERS = { name: 'speakers_a', description: 'Speakers-A' };
const HEADSET = { name: 'headset_b', description: 'Headset-B' };
/** The tones of the others' microphones, in Hz. */
const BOB_HZ = 300;
const CAROL_HZ = 700;
const DAN_HZ = 1100;
/** A tone is heard on a sink when its amplitude there is above this (the tones play at 0.5). */
const HEARD_ABOVE = 0.05;
/** A sink is silent when no sample it plays is louder than this. */
const SILENT_BELOW = 0.01;
/** Enough of a sink's output (0.9 s at 16 kHz) to call what it plays silence. */
const ENOUGH_SAMPLES = 14_400;

const test = base.extend<{ pulse: PulseAudio; listener: Browser; media: Browser }>({
  pulse: async ({}, use) => {
    const pulse = await startPulseAudio([SPEAKERS, HEADSET]);
    try {
      await use(pulse);
    } finally {
      await pulse.stop();
    }
  },
  listener: async ({ pulse }, use) => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'],
      ignoreDefaultArgs: ['--mute-audio'],
      env: pulse.env,
    });
    try {
      await use(browser);
    } finally {
      await browser.close();
    }
  },
  media: mediaBrowserFixture(),
});

/** Waits until every tone is heard on `sink`. */
async function expectHeard(pulse: PulseAudio, sink: string, tonesHz: readonly number[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const sound = await pulse.listen(sink, { tonesHz });
        const quiet = tonesHz.filter((hz) => sound.tones[hz]! <= HEARD_ABOVE);
        return quiet.length === 0 ? 'heard' : `${tonesHz.map((hz) => `${hz} Hz at ${sound.tones[hz]!.toFixed(3)}`).join(', ')} (peak ${sound.peak.toFixed(3)}, ${sound.samples} samples)`;
      },
      { timeout: 20_000, message: `the tones ${tonesHz.join(', ')} Hz on ${sink}` },
    )
    .toBe('heard');
}

/** Waits until `sink` plays silence (or nothing). */
async function expectSilent(pulse: PulseAudio, sink: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const sound = await pulse.listen(sink);
        return sound.samples >= ENOUGH_SAMPLES && sound.peak < SILENT_BELOW ? 'silent' : `peak ${sound.peak.toFixed(3)}, ${sound.samples} samples`;
      },
      { timeout: 20_000, message: `silence on ${sink}` },
    )
    .toBe('silent');
}

/** The listener: a camera and a microphone plugged in before Start, as Chromium has none here. */
async function openListener(listener: Browser, roomUrl: string): Promise<Page> {
  const page = await openPerson(listener, roomUrl, { prepare: (context) => installFakeDevices(context) });
  await plugDevice(page, { kind: 'videoinput', label: 'USB camera', colour: '#00ff00' });
  await plugDevice(page, { kind: 'audioinput', label: 'USB microphone', toneHz: 900 });
  await page.getByRole('button', { name: 'Start' }).click();
  await expectState(page, WAITING);
  return page;
}

/** Someone on Chromium's fake devices whose microphone plays `toneHz`. */
async function join(media: Browser, roomUrl: string, toneHz: number): Promise<Page> {
  const page = await openPerson(media, roomUrl, { prepare: (context) => installFakeDevices(context, [toneHz]) });
  await page.getByRole('button', { name: 'Start' }).click();
  return page;
}

/** Chooses the speaker labelled `label` under Devices; returns its device id. */
async function chooseSpeaker(page: Page, label: string): Promise<string> {
  await page.getByRole('button', { name: 'Devices' }).click();
  const option = page.locator('#choose-speaker option', { hasText: label });
  const deviceId = await option.getAttribute('value');
  if (!deviceId) throw new Error(`The speaker "${label}" has no device id in the list.`);
  await page.locator('#choose-speaker').selectOption({ label });
  await page.getByRole('button', { name: 'Done' }).click();
  return deviceId;
}

const sinkIds = (page: Page) => remoteTiles(page).locator('video').evaluateAll((videos: HTMLVideoElement[]) => videos.map((video) => video.sinkId));

test('the speaker chosen during the call is where the other person is heard, and choosing again moves them back', async ({ pulse, listener, media, server }) => {
  const roomUrl = `${server.url}/?room=speaker-switch`;
  const alice = await openListener(listener, roomUrl);
  const bob = await join(media, roomUrl, BOB_HZ);
  for (const page of [alice, bob]) await expectState(page, CONNECTED, 30_000);
  await expectRemoteVideoMoving(alice);

  // Until a choice, the system's default speaker.
  await expectHeard(pulse, SPEAKERS.name, [BOB_HZ]);
  await expectSilent(pulse, HEADSET.name);

  await alice.getByRole('button', { name: 'Devices' }).click();
  await expect(alice.locator('#choose-speaker option')).toContainText([SPEAKERS.description, HEADSET.description]);
  await alice.getByRole('button', { name: 'Done' }).click();

  const headset = await chooseSpeaker(alice, HEADSET.description);
  await expect.poll(() => sinkIds(alice)).toEqual([headset]);
  await expectHeard(pulse, HEADSET.name, [BOB_HZ]);
  await expectSilent(pulse, SPEAKERS.name);
  expect(await pulse.streamsOn(HEADSET.name), 'streams playing to the headset').toContain('Chromium');

  const speakers = await chooseSpeaker(alice, SPEAKERS.description);
  await expect.poll(() => sinkIds(alice)).toEqual([speakers]);
  await expectHeard(pulse, SPEAKERS.name, [BOB_HZ]);
  await expectSilent(pulse, HEADSET.name);
});

test('a speaker pulled out before it is chosen: the page says so, and the other person is still heard where they were', async ({ pulse, listener, media, server }) => {
  const roomUrl = `${server.url}/?room=speaker-gone`;
  const alice = await openListener(listener, roomUrl);
  await join(media, roomUrl, BOB_HZ);
  await expectState(alice, CONNECTED, 30_000);
  await expectRemoteVideoMoving(alice);
  const speakers = await chooseSpeaker(alice, SPEAKERS.description);
  await expectHeard(pulse, SPEAKERS.name, [BOB_HZ]);

  // The list was read when the dialog opened; the headset goes before it is picked.
  await alice.getByRole('button', { name: 'Devices' }).click();
  await pulse.unplug(HEADSET.name);
  await alice.locator('#choose-speaker').selectOption({ label: HEADSET.description });
  await expect(alice.locator('#speaker-note')).toHaveText(
    `${HEADSET.description} is not there any more (unplugged?). You still hear the others on ${SPEAKERS.description}.`,
  );
  await expect(alice.locator('#choose-speaker')).toHaveValue(speakers);
  await expect(alice.locator('#choose-speaker option', { hasText: HEADSET.description })).toHaveCount(0);
  await alice.getByRole('button', { name: 'Done' }).click();

  await expect.poll(() => sinkIds(alice)).toEqual([speakers]);
  await expectHeard(pulse, SPEAKERS.name, [BOB_HZ]);
});

test.describe('in a group', () => {
  test.describe.configure({ timeout: 240_000 });
  test.use({ serverOptions: { roomCapacity: 4 } });

  test('a speaker chosen before the others arrive is where each of them is heard', async ({ pulse, listener, media, server }) => {
    const roomUrl = `${server.url}/?room=speaker-group`;
    const alice = await openListener(listener, roomUrl);
    const headset = await chooseSpeaker(alice, HEADSET.description);

    const bob = await join(media, roomUrl, BOB_HZ);
    const carol = await join(media, roomUrl, CAROL_HZ);
    const dan = await join(media, roomUrl, DAN_HZ);
    for (const page of [alice, bob, carol, dan]) await expectState(page, CONNECTED, GROUP_WAIT);
    await expectRemoteVideoMoving(alice, 3, { timeout: GROUP_WAIT });

    await expect.poll(() => sinkIds(alice)).toEqual([headset, headset, headset]);
    await expectHeard(pulse, HEADSET.name, [BOB_HZ, CAROL_HZ, DAN_HZ]);
    await expectSilent(pulse, SPEAKERS.name);
  });
});
