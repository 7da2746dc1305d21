/**
 * The call machine with nothing behind it: no camera, no server, no peer connection. Every
 * event is a button; those the current state does not accept are disabled. Simulated people
 * join and leave, and each person's peer machine takes the events of a peer connection from
 * buttons of its own. This is how the call flow can be explored offline, step by step.
 */
import { fromCallback, type Actor, type ActorRefFrom } from 'xstate';
import type { CallMachine } from '../machine/callMachine.js';
import type { CallEvent, DeviceCommand, PeerCommand, PeerInput, SignalingCommand, SignalingInput } from '../machine/events.js';
import type { LocalMediaMachine } from '../machine/localMediaMachine.js';
import type { PeerMachine } from '../machine/peerMachine.js';
import { provideCall } from '../machine/provideCall.js';
import type { Person } from '../machine/roster.js';
import { newcomer, sampleEvents, sampleLocalMediaEvents, samplePeerEvents } from '../machine/sampleEvents.js';

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

/** People come and go through their own buttons, not the list of the call machine's events. */
const ABOUT_PEOPLE: readonly CallEvent['type'][] = ['signal.peerJoined', 'signal.peerLeft'];
/** What the local media machine tells the call machine: in the simulation, its devices say it to the local media machine. */
const FROM_LOCAL_MEDIA: readonly CallEvent['type'][] = ['media.ready', 'media.denied', 'media.missing', 'media.failed', 'media.changed', 'media.note'];
/** What the camera and microphone can say: buttons for the local media machine (the person's own controls are the call's). */
const DEVICE_SAMPLES = sampleLocalMediaEvents().filter((sample) => !sample.event.type.startsWith('user.'));

function button(label: string, data: Record<string, string>, onClick: () => void): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  Object.assign(element.dataset, data);
  element.addEventListener('click', onClick);
  return element;
}

function buttonList(buttons: HTMLButtonElement[], kind = ''): HTMLDivElement {
  const list = document.createElement('div');
  list.className = `event-buttons ${kind}`.trim();
  list.append(...buttons);
  return list;
}

interface PersonControls {
  root: HTMLElement;
  leave: HTMLButtonElement;
  events: HTMLButtonElement[];
  stop(): void;
}

export function renderSimulationControls(container: HTMLElement, actor: Actor<CallMachine>): void {
  const context = () => actor.getSnapshot().context;
  const peerOf = (key: string) => actor.getSnapshot().children[key] as ActorRefFrom<PeerMachine> | undefined;
  const intro = document.createElement('p');
  intro.textContent = 'Simulation: no camera and no server. Send the machines any event they accept in their current state.';
  // Contents follow the current context, e.g. a description comes from someone in the call.
  const current = (label: string) => sampleEvents(context()).find((sample) => sample.label === label)?.event;
  const callButtons = sampleEvents(context())
    .filter((sample) => !ABOUT_PEOPLE.includes(sample.event.type) && !FROM_LOCAL_MEDIA.includes(sample.event.type))
    .map((sample) =>
      button(sample.label, { event: sample.label }, () => {
        const event = current(sample.label);
        if (event) actor.send(event);
      }),
    );
  const joining = () => ({ type: 'signal.peerJoined', peer: newcomer(context()) }) as const;
  const join = button('Someone joins', { join: '' }, () => actor.send(joining()));
  const mediaOf = () => actor.getSnapshot().children.media as ActorRefFrom<LocalMediaMachine> | undefined;
  const mediaBox = document.createElement('fieldset');
  const mediaLegend = document.createElement('legend');
  mediaLegend.textContent = 'Your camera and microphone';
  const deviceButtons = DEVICE_SAMPLES.map((sample) => button(sample.label, { event: sample.label }, () => mediaOf()?.send(sample.event)));
  mediaBox.append(mediaLegend, buttonList(deviceButtons, 'media-events'));
  const people = document.createElement('div');
  people.className = 'simulated-people';
  container.replaceChildren(intro, buttonList(callButtons, 'call-events'), mediaBox, buttonList([join]), people);
  // The local media machine comes with every call: follow it, as it moves without the call machine noticing.
  let followedMedia: unknown = null;
  let mediaSubscription: { unsubscribe(): void } | undefined;
  container.hidden = false;

  const controls = new Map<string, PersonControls>();
  const leaving = (person: Person) => (person.peerId === null ? null : ({ type: 'signal.peerLeft', peerId: person.peerId } as const));

  const addPerson = (person: Person): PersonControls => {
    const root = document.createElement('fieldset');
    root.dataset.person = person.key;
    const legend = document.createElement('legend');
    legend.textContent = `${person.name} (${person.key})`;
    const leave = button(`${person.name} leaves`, { leave: person.key }, () => {
      const found = context().people.find((someone) => someone.key === person.key);
      const event = found && leaving(found);
      if (event) actor.send(event);
    });
    const events = samplePeerEvents().map((sample) => button(sample.label, { event: sample.label }, () => peerOf(person.key)?.send(sample.event)));
    root.append(legend, buttonList([leave]), buttonList(events));
    people.append(root);
    // A peer machine may move without the call machine noticing (e.g. on a track): follow it too.
    const subscription = peerOf(person.key)?.subscribe(() => update());
    return { root, leave, events, stop: () => subscription?.unsubscribe() };
  };

  const update = () => {
    const snapshot = actor.getSnapshot();
    for (const button of callButtons) {
      const event = current(button.dataset.event ?? '');
      button.disabled = !event || !snapshot.can(event);
    }
    join.disabled = !snapshot.can(joining());
    const media = mediaOf();
    if (media !== followedMedia) {
      mediaSubscription?.unsubscribe();
      followedMedia = media;
      mediaSubscription = media?.subscribe(() => update());
    }
    const mediaSnapshot = media?.getSnapshot();
    DEVICE_SAMPLES.forEach((sample, index) => {
      const deviceButton = deviceButtons[index];
      if (deviceButton) deviceButton.disabled = !mediaSnapshot?.can(sample.event);
    });
    const present = new Map(snapshot.context.people.filter((person) => peerOf(person.key)).map((person) => [person.key, person]));
    for (const [key, person] of controls) {
      if (present.has(key)) continue;
      person.stop();
      person.root.remove();
      controls.delete(key);
    }
    for (const [key, person] of present) {
      const shown = controls.get(key) ?? addPerson(person);
      controls.set(key, shown);
      const leave = leaving(person);
      shown.leave.disabled = !leave || !snapshot.can(leave);
      const peer = peerOf(key)?.getSnapshot();
      samplePeerEvents().forEach((sample, index) => {
        const eventButton = shown.events[index];
        if (eventButton) eventButton.disabled = !peer?.can(sample.event);
      });
    }
  };
  actor.subscribe(update);
  update();
}
