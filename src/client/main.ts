/** Wires the call machine to the real effects and the page. */
import { createActor } from 'xstate';
import { SIGNALING_PATH } from '../shared/limits.js';
import { createCameraActor } from './effects/camera.js';
import type { MediaStage } from './effects/mediaStage.js';
import { createPeerConnectionActor } from './effects/peerConnection.js';
import { createSignalingActor } from './effects/signaling.js';
import { callMachine } from './machine/callMachine.js';
import { createCallView } from './view/callView.js';
import { roomFromLocation } from './view/roomLink.js';

const link = roomFromLocation(window.location, window.history);
const stage: MediaStage = { local: null, remote: null };
const view = createCallView(document, stage, link.url);

const signalingUrl = new URL(SIGNALING_PATH, window.location.href);
signalingUrl.protocol = signalingUrl.protocol === 'https:' ? 'wss:' : 'ws:';

const call = createActor(
  callMachine.provide({
    actors: {
      camera: createCameraActor(stage, navigator.mediaDevices),
      signaling: createSignalingActor(signalingUrl),
      peerConnection: createPeerConnectionActor(stage),
    },
    actions: {
      showSelfView: () => view.showSelfView(),
      hideSelfView: () => view.hideSelfView(),
      showRemoteVideo: () => view.showRemoteVideo(),
      hideRemoteVideo: () => view.hideRemoteVideo(),
    },
  }),
  { input: { room: link.room } },
);

call.subscribe((snapshot) => view.render(snapshot));
view.onUserEvent((event) => call.send(event));
// Closing the tab leaves the room at once, so the other side does not wait for a timeout.
window.addEventListener('pagehide', () => call.stop());
call.start();
