/**
 * Wires the call machine to the page: a real call, (with `?simulate`) the machine alone, or
 * (with `?check`) the connection test.
 */
import { createActor } from 'xstate';
import { createCameraActor } from './effects/camera.js';
import { createCallSession } from './effects/callSession.js';
import { createMediaStage } from './effects/mediaStage.js';
import { createPeerConnectionActor } from './effects/peerConnection.js';
import { createSignalingActor } from './effects/signaling.js';
import { signalingUrl } from './effects/signalingUrl.js';
import { startCheckPage } from './check/checkPage.js';
import { provideCall } from './machine/provideCall.js';
import { createStatechartPanel } from './statechart/statechartPanel.js';
import { renderSimulationControls, simulatedCallMachine } from './statechart/simulation.js';
import { startEchoMode } from './echo/echoMode.js';
import { createEchoQualityPanel } from './echo/qualityPanel.js';
import { createQualityMonitor } from './quality/qualityMonitor.js';
import { createQualityPanel } from './quality/qualityPanel.js';
import { createCallView } from './view/callView.js';
import { createNameStore } from './view/nameStore.js';
import { setUpPanelToggle } from './view/panelToggle.js';
import { newRoomId, roomFromLocation } from './view/roomLink.js';

const panelElement = document.getElementById('statechart-panel');
if (!panelElement) throw new Error('The page is missing #statechart-panel.');
setUpPanelToggle(panelElement);
const stage = createMediaStage();
const mode = new URL(window.location.href).searchParams;
const simulate = mode.has('simulate');
// A test call: a fresh room of its own each time, never shared, so the address stays `/?echo`.
const echo = !simulate && mode.has('echo');

/** Reading the storages throws where the browser blocks storage; the call works without them. */
function storageOrNull(which: 'sessionStorage' | 'localStorage'): Storage | null {
  try {
    return window[which];
  } catch {
    return null;
  }
}
const names = createNameStore(storageOrNull('localStorage'));

function startCall(): void {
  const link = echo
    ? { room: newRoomId((bytes) => crypto.getRandomValues(bytes)), url: null }
    : roomFromLocation(window.location, window.history);
  const view = createCallView(document, stage, link.url, names);
  const session = createCallSession(storageOrNull('sessionStorage'), link.room);
  const machine = provideCall({
    camera: createCameraActor(stage, navigator.mediaDevices),
    signaling: createSignalingActor(signalingUrl(window.location), session),
    peerConnection: createPeerConnectionActor(stage),
    showSelfView: () => view.showSelfView(),
    hideSelfView: () => view.hideSelfView(),
    showRemoteVideo: (key) => view.showRemoteVideo(key),
    hideRemoteVideo: (key) => view.hideRemoteVideo(key),
    rememberCall: () => session.markInCall(),
    forgetCall: () => session.forget(),
  });
  const panel = createStatechartPanel(panelElement!, machine);
  const call = createActor(machine, { input: { room: link.room }, inspect: (event) => panel.inspect(event) });
  panel.follow(call);
  view.follow(call);
  const qualityPanel = createQualityPanel(document);
  const echoQuality = echo ? createEchoQualityPanel(document.getElementById('quality')!) : null;
  const quality = createQualityMonitor(stage.connections, (people) => {
    view.showQuality(people);
    qualityPanel.render(people);
    echoQuality?.(people);
  });
  call.subscribe((snapshot) => quality.follow(snapshot.context.people));
  view.onUserEvent((event) => call.send(event));
  // Closing the tab leaves the room at once, so the other side does not wait for a timeout.
  window.addEventListener('pagehide', () => {
    quality.stop();
    call.stop();
  });
  call.start();
  if (echo) {
    document.body.classList.add('echo');
    startEchoMode(call, link.room, document.getElementById('echo-note')!);
    call.send({ type: 'user.start' });
  }
  // A reload during a call goes straight back into it, under the same name.
  else if (session.wasInCall()) {
    const name = view.savedName();
    call.send(name === undefined ? { type: 'user.start' } : { type: 'user.start', name });
  }
}

function startSimulation(): void {
  document.body.classList.add('simulating');
  const view = createCallView(document, stage, null, createNameStore(null));
  const panel = createStatechartPanel(panelElement!, simulatedCallMachine);
  const call = createActor(simulatedCallMachine, { input: { room: 'simulation' }, inspect: (event) => panel.inspect(event) });
  panel.follow(call);
  call.subscribe((snapshot) => view.render(snapshot));
  view.onUserEvent((event) => call.send(event));
  const controls = panelElement!.querySelector<HTMLElement>('.simulation-controls');
  if (controls) renderSimulationControls(controls, call);
  call.start();
}

if (mode.has('check')) startCheckPage(document);
else if (simulate) startSimulation();
else startCall();
