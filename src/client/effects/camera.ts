/**
 * The camera and microphone, as an actor: it asks for them when started and turns them off
 * (the camera light goes out) when stopped, whichever way the call ends.
 */
import { fromCallback, type EventObject } from 'xstate';
import type { MediaEvent } from '../machine/events.js';
import { stopTracks, type MediaStage } from './mediaStage.js';

const CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true },
  video: { width: { ideal: 1280 }, height: { ideal: 720 } },
};

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

export function createCameraActor(stage: MediaStage, mediaDevices: MediaDevices | undefined) {
  return fromCallback<EventObject>(({ sendBack }) => {
    let stopped = false;
    if (!mediaDevices) {
      sendBack({
        type: 'media.failed',
        detail: 'This page cannot use the camera: open it over HTTPS (or on localhost) in a current browser.',
      } satisfies MediaEvent);
    } else {
      mediaDevices.getUserMedia(CONSTRAINTS).then(
        (stream) => {
          // The call may have been left while the browser was asking for permission.
          if (stopped) return stopTracks(stream);
          stage.local = stream;
          sendBack({ type: 'media.ready' } satisfies MediaEvent);
        },
        (error: unknown) => {
          if (!stopped) sendBack(classifyMediaError(error));
        },
      );
    }
    return () => {
      stopped = true;
      if (stage.local) stopTracks(stage.local);
      stage.local = null;
    };
  });
}
