/**
 * The call machine with its effects: the actors that own the camera, the signaling socket and
 * each person's peer connection, and what the page does when the machines say so. The page, the
 * simulation and the tests each supply their own.
 */
import type { EventObject, fromCallback } from 'xstate';
import { callMachine } from './callMachine.js';
import type { PeerCommand, PeerInput, SignalingCommand, SignalingInput } from './events.js';
import { peerMachine } from './peerMachine.js';

export interface CallEffects {
  camera: ReturnType<typeof fromCallback<EventObject, unknown>>;
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
  return callMachine.provide({
    actors: { camera: effects.camera, signaling: effects.signaling, peer },
    actions: {
      showSelfView: () => effects.showSelfView(),
      hideSelfView: () => effects.hideSelfView(),
      rememberCall: () => effects.rememberCall(),
      forgetCall: () => effects.forgetCall(),
    },
  });
}
