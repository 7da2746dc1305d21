/**
 * Several cameras and microphones that a test can tell apart, and devices plugged in or pulled out
 * during a call. Found on Debian's Chromium 156, headless, as Playwright launches it:
 *
 * - Cameras are Chromium's own: `--use-fake-device-for-media-stream=device-count=2` gives
 *   `fake_device_0` (the moving pattern on green) and `fake_device_1` (the same pattern in grey,
 *   from its Y16 format), both 640x480 at 20 fps. `--use-file-for-fake-video-capture` gives one
 *   camera only, whatever the device count.
 * - Microphones: Chromium always has three ("Fake Default Audio Input", "Fake Audio Input 1" and
 *   "2"), but all beep alike (about 400 Hz), and `--use-file-for-fake-audio-capture` plays the same
 *   file on every one of them. So `installFakeDevices` makes each play its own tone (an
 *   OscillatorNode) under its own id and label, still opening Chromium's device behind it.
 * - Chromium's list of fake devices is fixed for the life of the browser, so plugging in and
 *   pulling out is simulated in the page: the device joins or leaves `enumerateDevices()`, the
 *   tracks of a pulled device stop and fire `ended`, then `navigator.mediaDevices` fires
 *   `devicechange`, in that order as Chromium does. A plugged device is a canvas (camera) or a
 *   tone (microphone).
 * - `--auto-accept-camera-and-microphone-capture` grants the camera and microphone like
 *   `--use-fake-ui-for-media-stream`, but leaves screen capture alone (see screenShare.ts).
 */
import { chromium, expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { screenShareArgs } from './screenShare.js';

/** The tones (Hz) of Chromium's three fake microphones, in the order enumerateDevices lists them. */
export const MICROPHONE_TONES_HZ = [300, 600, 1200] as const;
export const MICROPHONE_LABELS = ['Fake Default Audio Input', 'Fake Audio Input 1', 'Fake Audio Input 2'] as const;
/** Chromium's fake cameras and how each looks (see `look`). */
export const CAMERAS = [
  { label: 'fake_device_0', look: 'green' },
  { label: 'fake_device_1', look: 'grey' },
] as const;

export interface MediaBrowserOptions {
  /** Chromium's fake cameras (1 to 3). */
  cameras?: number;
  /** Share the tab titled `SHARED_SCREEN_TITLE` when the page asks for a screen. */
  screenShare?: boolean;
}

/** Chromium flags for calls with several fake devices, Web Audio without a click, and screen share. */
export function mediaBrowserArgs({ cameras = CAMERAS.length, screenShare = false }: MediaBrowserOptions = {}): string[] {
  return [
    `--use-fake-device-for-media-stream=device-count=${cameras}`,
    '--auto-accept-camera-and-microphone-capture',
    '--allow-loopback-in-peer-connection',
    // The audio level is read with Web Audio, and a tone plays through it: neither waits for a click.
    '--autoplay-policy=no-user-gesture-required',
    ...(screenShare ? screenShareArgs() : []),
  ];
}

export function launchMediaBrowser(options: MediaBrowserOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: mediaBrowserArgs(options) });
}

/** A Playwright fixture: a browser launched with these options for each test, closed after it. */
export function mediaBrowserFixture(options: MediaBrowserOptions = {}) {
  return async ({}: object, use: (browser: Browser) => Promise<void>) => {
    const browser = await launchMediaBrowser(options);
    try {
      await use(browser);
    } finally {
      await browser.close();
    }
  };
}

export interface PluggedDevice {
  kind: 'audioinput' | 'videoinput';
  label: string;
  /** A microphone's tone. */
  toneHz?: number;
  /** A camera's picture: a CSS colour. */
  colour?: string;
}

interface Controls {
  plug(device: PluggedDevice): string;
  unplug(label: string): Promise<void>;
}

const CONTROLS = 'peerCallFakeDevices';

/** Runs in the page before its own scripts; kept self-contained, since it is sent as text. */
function fakeDevicesInPage({ tones, controls }: { tones: number[]; controls: string }): void {
  const media = navigator.mediaDevices as MediaDevices | undefined;
  if (!media) return; // not a secure context: no media devices at all
  const realGetUserMedia = media.getUserMedia.bind(media);
  const realEnumerate = media.enumerateDevices.bind(media);
  const unplugged = new Set<string>();
  const plugged: (PluggedDevice & { deviceId: string; groupId: string })[] = [];
  const handedOut: { deviceId: string; track: MediaStreamTrack }[] = [];
  let audio: AudioContext | undefined;
  type Identity = { deviceId: string; groupId: string; label: string };

  const listed = async () => [
    ...(await realEnumerate()).filter((device) => !unplugged.has(device.deviceId)),
    ...plugged.map((device) => ({ ...device, toJSON: () => ({ ...device }) }) as unknown as MediaDeviceInfo),
  ];

  /** A track that says it comes from `identity`; its cleanup runs when it is stopped. */
  function disguise(track: MediaStreamTrack, identity: Identity, cleanup: () => void): MediaStreamTrack {
    const settings = track.getSettings.bind(track);
    const stop = track.stop.bind(track);
    Object.defineProperty(track, 'label', { value: identity.label });
    track.getSettings = () => ({ ...settings(), deviceId: identity.deviceId, groupId: identity.groupId });
    track.stop = () => {
      stop();
      cleanup();
    };
    handedOut.push({ deviceId: identity.deviceId, track });
    return track;
  }

  function toneTrack(hz: number, identity: Identity, cleanup = () => {}): MediaStreamTrack {
    audio ??= new AudioContext();
    void audio.resume();
    const oscillator = new OscillatorNode(audio, { frequency: hz });
    const destination = audio.createMediaStreamDestination();
    oscillator.connect(new GainNode(audio, { gain: 0.5 })).connect(destination);
    oscillator.start();
    const track = destination.stream.getAudioTracks()[0]!;
    return disguise(track, identity, () => {
      oscillator.stop();
      cleanup();
    });
  }

  function canvasTrack(colour: string, identity: Identity): MediaStreamTrack {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const draw = canvas.getContext('2d')!;
    let x = 0;
    // A small moving square, so the picture keeps changing like a camera's.
    const timer = setInterval(() => {
      draw.fillStyle = colour;
      draw.fillRect(0, 0, 640, 480);
      draw.fillStyle = '#fff';
      draw.fillRect(x, 220, 40, 40);
      x = (x + 8) % 600;
    }, 50);
    return disguise(canvas.captureStream(20).getVideoTracks()[0]!, identity, () => clearInterval(timer));
  }

  function wantedId(constraint: boolean | MediaTrackConstraints): { id: string; exact: boolean } | undefined {
    const id = typeof constraint === 'object' ? constraint.deviceId : undefined;
    if (typeof id === 'string') return { id, exact: false };
    if (Array.isArray(id)) return id[0] === undefined ? undefined : { id: id[0], exact: false };
    if (id && typeof id === 'object') {
      const value = id.exact ?? id.ideal;
      const first = Array.isArray(value) ? value[0] : value;
      return first === undefined ? undefined : { id: first, exact: id.exact !== undefined };
    }
    return undefined;
  }

  async function openTrack(kind: 'audio' | 'video', constraint: boolean | MediaTrackConstraints): Promise<MediaStreamTrack> {
    const wanted = wantedId(constraint);
    const available = (await listed()).filter((device) => device.kind === `${kind}input`);
    const chosen = available.find((device) => device.deviceId === wanted?.id) ?? (wanted?.exact ? undefined : available[0]);
    if (!chosen) {
      if (wanted?.exact) throw new OverconstrainedError('deviceId', `No ${kind} input with id ${wanted.id} is plugged in.`);
      throw new DOMException('Requested device not found', 'NotFoundError');
    }
    const virtual = plugged.find((device) => device.deviceId === chosen.deviceId);
    if (virtual) return virtual.kind === 'audioinput' ? toneTrack(virtual.toneHz ?? 900, virtual) : canvasTrack(virtual.colour ?? 'blue', virtual);
    const own = typeof constraint === 'object' ? constraint : {};
    // Before permission, ids are empty: Chromium then picks its default device itself.
    const deviceId = chosen.deviceId === '' ? own.deviceId : { exact: chosen.deviceId };
    const stream = await realGetUserMedia({ [kind]: { ...own, deviceId } });
    const track = stream.getTracks()[0]!;
    if (kind === 'video') {
      handedOut.push({ deviceId: track.getSettings().deviceId ?? chosen.deviceId, track });
      return track;
    }
    // Every fake microphone beeps alike: this one plays its own tone instead, over Chromium's device.
    const id = track.getSettings().deviceId ?? chosen.deviceId;
    const microphones = (await realEnumerate()).filter((device) => device.kind === 'audioinput');
    const index = Math.max(0, microphones.findIndex((device) => device.deviceId === id));
    const identity = { deviceId: id, groupId: microphones[index]?.groupId ?? '', label: track.label };
    return toneTrack(tones[index % tones.length]!, identity, () => track.stop());
  }

  media.getUserMedia = async (constraints: MediaStreamConstraints = {}) => {
    if (!constraints.audio && !constraints.video) return realGetUserMedia(constraints); // its own TypeError
    const tracks: MediaStreamTrack[] = [];
    try {
      if (constraints.audio) tracks.push(await openTrack('audio', constraints.audio));
      if (constraints.video) tracks.push(await openTrack('video', constraints.video));
    } catch (error) {
      for (const track of tracks) track.stop();
      throw error;
    }
    return new MediaStream(tracks);
  };
  media.enumerateDevices = listed;

  const changed = () => media.dispatchEvent(new Event('devicechange'));
  const deviceControls: Controls = {
    plug(device) {
      const deviceId = `plugged-${plugged.length}-${Math.random().toString(36).slice(2)}`;
      plugged.push({ ...device, deviceId, groupId: deviceId });
      changed();
      return deviceId;
    },
    async unplug(label) {
      const present = await listed();
      const device = present.find((candidate) => candidate.label === label);
      if (!device) throw new Error(`No device labelled "${label}" to pull out; the page has: ${present.map((d) => d.label).join(', ')}.`);
      const index = plugged.findIndex((candidate) => candidate.deviceId === device.deviceId);
      if (index >= 0) plugged.splice(index, 1);
      else unplugged.add(device.deviceId);
      for (const { deviceId, track } of handedOut) {
        if (deviceId !== device.deviceId || track.readyState === 'ended') continue;
        track.stop();
        track.dispatchEvent(new Event('ended'));
      }
      changed();
    },
  };
  (window as unknown as Record<string, Controls>)[controls] = deviceControls;
}

/**
 * Gives every page of this context microphones with their own tones (`MICROPHONE_TONES_HZ`) and
 * devices that can be plugged in and pulled out. Call before the context's pages open. It also
 * grants the camera and microphone, as to a person who once pressed Allow: the auto-accept flag
 * alone opens them but leaves enumerateDevices() with one device of each kind, without label or id.
 */
export async function installFakeDevices(context: BrowserContext, tones: readonly number[] = MICROPHONE_TONES_HZ): Promise<void> {
  await context.grantPermissions(['camera', 'microphone']);
  await context.addInitScript(fakeDevicesInPage, { tones: [...tones], controls: CONTROLS });
}

/** Plugs a device in (it appears in enumerateDevices, then `devicechange` fires); returns its id. */
export function plugDevice(page: Page, device: PluggedDevice): Promise<string> {
  return page.evaluate(
    ({ device, controls }) => (window as unknown as Record<string, Controls>)[controls]!.plug(device),
    { device, controls: CONTROLS },
  );
}

/** Pulls a device out by its label: its tracks end, it leaves enumerateDevices, `devicechange` fires. */
export async function unplugDevice(page: Page, label: string): Promise<void> {
  await page.evaluate(({ label, controls }) => (window as unknown as Record<string, Controls>)[controls]!.unplug(label), { label, controls: CONTROLS });
}

export type Look = 'grey' | 'red' | 'green' | 'blue' | 'black';

/** A video's current frame scaled down to 64x48: its red, green and blue values, pixel by pixel. */
function thumbnail(video: Locator): Promise<number[]> {
  return video.evaluate((element: HTMLVideoElement) => {
    if (element.videoWidth === 0) throw new Error('The video shows no frame yet.');
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const draw = canvas.getContext('2d', { willReadFrequently: true })!;
    draw.drawImage(element, 0, 0, canvas.width, canvas.height);
    const pixels = draw.getImageData(0, 0, canvas.width, canvas.height).data;
    return Array.from(pixels.filter((_, index) => index % 4 !== 3));
  });
}

/**
 * How a video's current frame looks, from its mean colour: `grey` when the channels are close,
 * otherwise the strongest one. Chromium's fake_device_0 is green, fake_device_1 grey.
 */
export async function look(video: Locator): Promise<Look> {
  const values = await thumbnail(video);
  const sums = [0, 0, 0];
  values.forEach((value, index) => (sums[index % 3]! += value));
  const channels = sums.map((sum) => sum / (values.length / 3));
  if (Math.max(...channels) < 16) return 'black';
  if (Math.max(...channels) - Math.min(...channels) < 20) return 'grey';
  return (['red', 'green', 'blue'] as const)[channels.indexOf(Math.max(...channels))]!;
}

/**
 * `look()` for `expect.poll`: a video that just got a new stream has no frame yet, and a poll whose
 * callback throws gives up at once, so that case is an answer here and the poll goes on.
 */
export const lookOrWait = (video: Locator): Promise<Look | 'no frame yet'> => look(video).catch(() => 'no frame yet' as const);

/** A channel that moved by more than this is a change of picture, not the encoder's noise. */
const MOVED_BY = 64;

/**
 * Waits until the video's picture changes from what it shows now (something in it moves: frames
 * keep coming), rather than one frame held still.
 */
export async function expectPictureMoving(video: Locator, timeout = 15_000): Promise<void> {
  const first = await thumbnail(video);
  await expect
    .poll(async () => (await thumbnail(video)).filter((value, index) => Math.abs(value - first[index]!) > MOVED_BY).length, {
      timeout,
      message: 'values of the picture that changed since the first look',
    })
    .toBeGreaterThan(8);
}
