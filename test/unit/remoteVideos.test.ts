import { describe, expect, it } from 'vitest';
import { remoteVideos, type StreamLike } from '../../src/client/view/remoteVideos.js';

/** A stream with this many audio and video tracks. */
const stream = (name: string, audio: number, video: number): StreamLike & { name: string } => ({
  name,
  getAudioTracks: () => Array.from({ length: audio }, () => ({})),
  getVideoTracks: () => Array.from({ length: video }, () => ({})),
});

const names = ({ main, inset }: ReturnType<typeof remoteVideos<ReturnType<typeof stream>>>) => ({ main: main?.name ?? null, inset: inset?.name ?? null });

describe('which of a person\'s streams goes where', () => {
  it('nothing yet: nothing shown', () => {
    expect(names(remoteVideos([], false))).toEqual({ main: null, inset: null });
  });

  it('one stream (camera, or a screen in place of it): shown large, whatever they say of a screen', () => {
    const camera = stream('camera', 1, 1);
    expect(names(remoteVideos([camera], false))).toEqual({ main: 'camera', inset: null });
    expect(names(remoteVideos([camera], true))).toEqual({ main: 'camera', inset: null });
  });

  it('a screen beside the camera: the screen large, the camera small, in whichever order they came', () => {
    const camera = stream('camera', 1, 1);
    const screen = stream('screen', 0, 1);
    expect(names(remoteVideos([camera, screen], true))).toEqual({ main: 'screen', inset: 'camera' });
    expect(names(remoteVideos([screen, camera], true))).toEqual({ main: 'screen', inset: 'camera' });
  });

  it('their camera off while sharing beside: still the stream with their voice that goes small', () => {
    expect(names(remoteVideos([stream('voice', 1, 0), stream('screen', 0, 1)], true))).toEqual({ main: 'screen', inset: 'voice' });
  });

  it('a share that stopped: its stream has no video left, or they say they share none, and the camera is large again', () => {
    const camera = stream('camera', 1, 1);
    expect(names(remoteVideos([camera, stream('ended share', 0, 0)], true))).toEqual({ main: 'camera', inset: null });
    expect(names(remoteVideos([camera, stream('screen', 0, 1)], false))).toEqual({ main: 'camera', inset: null });
  });

  it('shared again: the newest screen stream is the one shown', () => {
    expect(names(remoteVideos([stream('camera', 1, 1), stream('old', 0, 1), stream('new', 0, 1)], true))).toEqual({ main: 'new', inset: 'camera' });
  });
});
