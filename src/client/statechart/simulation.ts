/**
 * The call machine with nothing behind it: no camera, no server, no peer connection. Every
 * event is a button; those the current state does not accept are disabled. This is how the
 * call flow can be explored offline, step by step.
 */
import { fromCallback, type Actor } from 'xstate';
import type { CallMachine } from '../machine/callMachine.js';
import type { DeviceCommand, PeerCommand, PeerInput, SignalingCommand, SignalingInput } from '../machine/events.js';
import { provideCall } from '../machine/provideCall.js';
import { sampleEvents } from '../machine/sampleEvents.js';

/** Effects that only exist: in a simulation the person plays their part by clicking events. */
export const simulatedCallMachine = provideCall({
  camera: fromCallback<DeviceCommand>(() => {}),
  signaling: fromCallback<SignalingCommand, SignalingInput>(() => {}),
  peerConnection: fromCallback<PeerCommand, PeerInput>(() => {}),
  showSelfView: () => {},
  hideSelfView: () => {},
  showRemoteVideo: () => {},
  hideRemoteVideo: () => {},
  rememberCall: () => {},
  forgetCall: () => {},
});

export function renderSimulationControls(container: HTMLElement, actor: Actor<CallMachine>): void {
  const intro = document.createElement('p');
  intro.textContent = 'Simulation: no camera and no server. Send the machine any event it accepts in its current state.';
  const list = document.createElement('div');
  list.className = 'event-buttons';
  const labels = sampleEvents(actor.getSnapshot().context).map((sample) => sample.label);
  const buttons = labels.map((label, index) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.dataset.event = label;
    button.addEventListener('click', () => {
      // Contents follow the current context, e.g. a description comes from the peer in the call.
      const sample = sampleEvents(actor.getSnapshot().context)[index];
      if (sample) actor.send(sample.event);
    });
    list.append(button);
    return button;
  });
  container.replaceChildren(intro, list);
  container.hidden = false;

  const update = () => {
    const snapshot = actor.getSnapshot();
    sampleEvents(snapshot.context).forEach((sample, index) => {
      const button = buttons[index];
      if (button) button.disabled = !snapshot.can(sample.event);
    });
  };
  actor.subscribe(update);
  update();
}
