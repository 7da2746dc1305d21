/**
 * The camera and microphone part of the connection test: asks for both, as a call would, and
 * says in words what works. The stream stays with the caller for the preview and the meter.
 */
import { classifyMediaError } from '../effects/camera.js';
import { fail, ok, skip, type CheckResult } from './checkResult.js';

export interface MediaCheck {
  stream: MediaStream | null;
  camera: CheckResult;
  microphone: CheckResult;
}

export async function checkMedia(mediaDevices: MediaDevices | undefined): Promise<MediaCheck> {
  if (!mediaDevices) {
    const why = fail('This page cannot use the camera: open it over HTTPS (or on localhost) in a current browser.');
    return { stream: null, camera: why, microphone: skip('Not tested: the page cannot use media devices.') };
  }
  try {
    const stream = await mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
    const video = stream.getVideoTracks()[0];
    const audio = stream.getAudioTracks()[0];
    const size = video?.getSettings();
    return {
      stream,
      camera: video
        ? ok(`Your camera works${size?.width ? ` (${size.width}×${size.height})` : ''}: you should see yourself.`)
        : fail('The browser gave no camera. Connect one (or enable it in the system settings), then press Test again.'),
      microphone: audio
        ? ok(`Your microphone works (${audio.label || 'default'}): the bar moves when you speak.`)
        : fail('The browser gave no microphone. Connect one (or enable it in the system settings), then press Test again.'),
    };
  } catch (error) {
    // The same sentences as the call page, which says "Try again" where this page says "Test again".
    const text = classifyMediaError(error).detail.replace('press Try again', 'press Test again');
    return { stream: null, camera: fail(text), microphone: skip('Not tested: the browser gave no camera or microphone.') };
  }
}
