/**
 * The call machine with its effects: the actors that own the camera, the signaling socket and
 * each person's peer connection, and what the page does when the machines say so. The page, the
 * simulation and the tests each supply their own.
 */
import type { fromCallback } from 'xstate';
import { callMachine } from './callMachine.js';
import type { DeviceCommand, PeerCommand, PeerInput, SignalingCommand, SignalingInput } from './events.js';
import { localMediaMachine } from './localMediaMachine.js';
import { peerMachine } from './peerMachine.js';

export interface CallEffects {
  /** The camera and microphone (and a shared screen): captures at start, then does what the local media machine says. */
  camera: ReturnType<typeof fromCallback<DeviceCommand>>;
  signaling: ReturnType<typeof fromCallback<SignalingCommand, SignalingInput>>;
  peerConnection: ReturnType<typeof fromCallback<PeerCommand, PeerInput>>;
  showSelfView(): void;
  hideSelfView(): void;
  /** `key`: the person whose media to show (their peer machine's id). */
  showRemoteVideo(key: string): void;
  hideRemoteVideo(key: string): void;
  rememberCall(): void;
  forgetCall(): void;
}

export function provideCall(effects: CallEffects) {
  const peer = peerMachine.provide({
    actors: { peerConnection: effects.peerConnection },
    actions: {
      showRemoteVideo: ({ context }) => effects.showRemoteVideo(context.key),
      hideRemoteVideo: ({ context }) => effects.hideRemoteVideo(context.key),
    },
  });
  const media = localMediaMachine.provide({ actors: { devices: effects.camera } });
  return callMachine.provide({
    actors: { media, signaling: effects.signaling, peer },
    actions: {
      showSelfView: () => effects.showSelfView(),
      hideSelfView: () => effects.hideSelfView(),
      rememberCall: () => effects.rememberCall(),
      forgetCall: () => effects.forgetCall(),
    },
  });
}
