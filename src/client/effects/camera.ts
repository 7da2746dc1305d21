import { fromCallback } from 'xstate';
import type { DeviceCommand, DeviceEvent, MediaEvent } from '../machine/events.js';
import { stopTracks, type MediaStage } from './mediaStage.js';

/** Turns a getUserMedia failure into what happened, in words the person can act on. */
export function classifyMediaError(error: unknown): Exclude<MediaEvent, { type: 'media.ready' }> {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return {
        type: 'media.denied',
        detail:
          'Camera and microphone access was blocked. Allow it in the browser (the camera icon in the address bar, or the site settings), then press Try again.',
      };
    case 'NotFoundError':
    case 'OverconstrainedError':
      return {
        type: 'media.missing',
        detail: 'No camera or microphone was found. Connect one (or enable it in the system settings), then press Try again.',
      };
    case 'NotReadableError':
      return {
        type: 'media.failed',
        detail: 'The camera or microphone is busy or not working. Close other apps that use them, then press Try again.',
      };
    default:
      return {
        type: 'media.failed',
        detail: `The camera could not be started (${error instanceof Error ? error.message : String(error)}). Press Try again.`,
      };
  }
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };

type InputKind = 'audioinput' | 'videoinput';
const WORD: Record<InputKind, string> = { audioinput: 'microphone', videoinput: 'camera' };
const trackKind = (kind: InputKind) => (kind === 'audioinput' ? 'audio' : 'video');

/** Why a screen share did not start, in words. */
function screenError(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError') return 'Screen sharing was cancelled or is not allowed in this browser.';
  if (name === 'NotSupportedError' || name === 'TypeError') return 'This browser cannot share a screen from this page.';
  return `The screen could not be shared (${error instanceof Error ? error.message : String(error)}).`;
}

/**
 * The camera and microphone (and a shared screen), as an actor: it captures both when started,
 * then does what the local media machine asks (mute, camera off and on, share, another device),
 * follows devices plugged in or pulled out, and turns everything off (the camera light goes out)
 * when stopped, whichever way the call ends. The streams live on the stage; the peer
 * connections send whatever is there when the machine says it changed.
 */
export function createCameraActor(stage: MediaStage, mediaDevices: MediaDevices | undefined) {
  return fromCallback<DeviceCommand>(({ sendBack, receive }) => {
    const say = (event: MediaEvent | DeviceEvent) => sendBack(event);
    let stopped = false;
    let microphoneOn = true;
    /** The devices chosen during the call; the browser's default until then. */
    const chosen: Partial<Record<InputKind, string>> = {};
    let known: MediaDeviceInfo[] = [];

    const constraintsFor = (kind: InputKind): MediaTrackConstraints => {
      const base = kind === 'audioinput' ? AUDIO : VIDEO;
      const id = chosen[kind];
      return id ? { ...base, deviceId: { exact: id } } : base;
    };
    const labelOf = (track: MediaStreamTrack) => track.label || `the ${track.kind === 'audio' ? 'microphone' : 'camera'}`;

    /** Puts `track` on the local stream in place of the one of its kind. */
    const useTrack = (track: MediaStreamTrack) => {
      const local = stage.local;
      if (!local) return track.stop();
      for (const old of local.getTracks().filter((t) => t.kind === track.kind)) {
        local.removeTrack(old);
        old.stop();
      }
      if (track.kind === 'audio') track.enabled = microphoneOn;
      // A device pulled out ends its track: find another.
      track.addEventListener('ended', () => {
        if (!stopped && stage.local?.getTracks().includes(track)) void replaceLost(track);
      });
      local.addTrack(track);
    };

    const capture = async (kind: InputKind): Promise<MediaStreamTrack> => {
      if (!mediaDevices) throw new Error('no media devices');
      const stream = await mediaDevices.getUserMedia({ [trackKind(kind)]: constraintsFor(kind) });
      const track = stream.getTracks()[0];
      if (!track) throw new Error(`no ${WORD[kind]} track`);
      if (stopped) {
        track.stop();
        throw new Error('stopped');
      }
      return track;
    };

    async function replaceLost(track: MediaStreamTrack) {
      const kind: InputKind = track.kind === 'audio' ? 'audioinput' : 'videoinput';
      delete chosen[kind];
      try {
        const next = await capture(kind);
        useTrack(next);
        say({ type: 'device.switched', text: `${labelOf(track)} stopped working or was unplugged; now using ${labelOf(next)}.` });
      } catch {
        if (stopped) return;
        if (kind === 'videoinput') say({ type: 'device.cameraFailed', detail: `${labelOf(track)} stopped working or was unplugged, and there is no other camera.` });
        else say({ type: 'device.note', text: `${labelOf(track)} stopped working or was unplugged, and there is no other microphone: the others cannot hear you.` });
      }
    }

    const watchDevices = async () => {
      if (!mediaDevices || stopped) return;
      const now = await mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
      const added = now.filter(
        (device) => (device.kind === 'audioinput' || device.kind === 'videoinput') && device.deviceId && !known.some((old) => old.deviceId === device.deviceId && old.kind === device.kind),
      );
      known = now;
      for (const device of added) {
        say({ type: 'device.note', text: `A new ${WORD[device.kind as InputKind]} is there: ${device.label || 'unnamed'}. Choose it under Devices to use it.` });
      }
    };
    const onDeviceChange = () => void watchDevices();

    if (!mediaDevices) {
      say({ type: 'media.failed', detail: 'This page cannot use the camera: open it over HTTPS (or on localhost) in a current browser.' });
    } else {
      mediaDevices
        .getUserMedia({ audio: AUDIO, video: VIDEO })
        .then(async (stream) => {
          // The call may have been left while the browser was asking for permission.
          if (stopped) return stopTracks(stream);
          stage.local = new MediaStream();
          for (const track of stream.getTracks()) useTrack(track);
          known = await mediaDevices.enumerateDevices().catch(() => []);
          mediaDevices.addEventListener('devicechange', onDeviceChange);
          say({ type: 'media.ready' });
        })
        .catch((error: unknown) => {
          if (!stopped) say(classifyMediaError(error));
        });
    }

    const stopScreen = () => {
      if (stage.screen) stopTracks(stage.screen);
      stage.screen = null;
    };

    receive((command) => {
      switch (command.type) {
        case 'microphone':
          microphoneOn = command.enabled;
          for (const track of stage.local?.getAudioTracks() ?? []) track.enabled = command.enabled;
          return;
        case 'camera.stop':
          for (const track of stage.local?.getVideoTracks() ?? []) {
            stage.local?.removeTrack(track);
            track.stop();
          }
          return;
        case 'camera.start':
          capture('videoinput').then(
            (track) => {
              useTrack(track);
              say({ type: 'device.cameraOn' });
            },
            (error: unknown) => {
              if (!stopped) say({ type: 'device.cameraFailed', detail: classifyMediaError(error).detail });
            },
          );
          return;
        case 'screen.start': {
          const getDisplayMedia = mediaDevices?.getDisplayMedia?.bind(mediaDevices);
          if (!getDisplayMedia) {
            say({ type: 'device.screenFailed', detail: 'This browser cannot share a screen from this page.' });
            return;
          }
          getDisplayMedia({ video: true, audio: false }).then(
            (stream) => {
              if (stopped) return stopTracks(stream);
              stopScreen();
              stage.screen = stream;
              // The browser's own "Stop sharing" ends the track.
              stream.getVideoTracks()[0]?.addEventListener('ended', () => {
                if (stage.screen === stream) say({ type: 'device.screenEnded' });
              });
              say({ type: 'device.screenOn' });
            },
            (error: unknown) => {
              if (!stopped) say({ type: 'device.screenFailed', detail: screenError(error) });
            },
          );
          return;
        }
        case 'screen.stop':
          stopScreen();
          return;
        case 'device.use': {
          const previous = chosen[command.kind];
          chosen[command.kind] = command.deviceId;
          // The camera, while off, is only remembered: it starts on this one.
          if (command.kind === 'videoinput' && !stage.local?.getVideoTracks().length) return;
          capture(command.kind).then(
            (track) => {
              useTrack(track);
              say({ type: 'device.switched', text: `Now using ${labelOf(track)}.` });
            },
            (error: unknown) => {
              if (stopped) return;
              if (previous === undefined) delete chosen[command.kind];
              else chosen[command.kind] = previous;
              say({ type: 'device.note', text: `Could not switch the ${WORD[command.kind]}: ${classifyMediaError(error).detail}` });
            },
          );
          return;
        }
        default: {
          const unknown: never = command;
          return unknown;
        }
      }
    });

    return () => {
      stopped = true;
      mediaDevices?.removeEventListener('devicechange', onDeviceChange);
      if (stage.local) stopTracks(stage.local);
      stage.local = null;
      stopScreen();
    };
  });
}
