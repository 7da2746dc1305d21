/**
 * Model-based tests: xstate/graph walks the call machine with the sample events (the shortest
 * way to every state, then every event that state accepts), each path is replayed on the machine
 * with recording fakes, and after every step the invariants below must hold. The suite fails
 * when some state or transition of the machine is on no path.
 */
import type { StateValue } from 'xstate';
import { describe, expect, it } from 'vitest';
import { callMachine, type CallInput } from '../../src/client/machine/callMachine.js';
import type { CallEvent, PeerCommand, SignalingCommand } from '../../src/client/machine/events.js';
import { machineGraph } from '../../src/client/machine/machineGraph.js';
import { stateToString } from '../../src/client/machine/stateToString.js';
import { refused, shortestPaths, transitionPaths, type CallSnapshot, type ModelPath } from './support/modelPaths.js';
import { running, sinceStart, startRecordedCall, type Entry, type RecordedCall, type ViewAction } from './support/recordingCall.js';

const INPUT: CallInput = { room: 'model-room', name: 'Ann' };
const paths = transitionPaths(INPUT);
const graph = machineGraph(callMachine);

const inActive = (snapshot: CallSnapshot) => snapshot.matches('active');
const inRoom = (snapshot: CallSnapshot) => snapshot.matches({ active: 'room' });
const inCall = (snapshot: CallSnapshot) => snapshot.matches({ active: { room: 'call' } });

type ViewEntry = Extract<Entry, { kind: 'view' }>;

function lastView(timeline: readonly Entry[], actions: readonly ViewAction[]): ViewAction | undefined {
  return timeline.findLast((entry): entry is ViewEntry => entry.kind === 'view' && actions.includes(entry.action))?.action;
}

/** What must hold in any state, whatever led there. */
function checkState(call: RecordedCall, at: string) {
  const snapshot = call.actor.getSnapshot();
  const { timeline } = call;
  // Each effect lives exactly as long as the state that owns it: none left running on the way out.
  expect(running(timeline, 'camera'), `${at}: cameras running`).toBe(inActive(snapshot) ? 1 : 0);
  expect(running(timeline, 'signaling'), `${at}: signaling actors running`).toBe(inRoom(snapshot) ? 1 : 0);
  expect(running(timeline, 'peer'), `${at}: peer connections running`).toBe(inCall(snapshot) ? 1 : 0);
  // A peer connection only runs while there is someone to send its descriptions to.
  if (inCall(snapshot)) expect(snapshot.context.remote, `${at}: the other peer during a call`).not.toBeNull();
  expect(lastView(timeline, ['showSelfView', 'hideSelfView']) === 'showSelfView', `${at}: self-view shown`).toBe(inRoom(snapshot));
  if (!inCall(snapshot)) {
    expect(lastView(timeline, ['showRemoteVideo', 'hideRemoteVideo']), `${at}: remote video outside a call`).not.toBe('showRemoteVideo');
  }
}

/** What the machine must have passed on during one step: each local description and candidate to the remote, each remote one to the peer connection. */
function expectedCommands(entries: readonly Entry[], remote: string | undefined) {
  const toSignaling: SignalingCommand[] = [];
  const toPeer: PeerCommand[] = [];
  for (const entry of entries) {
    const event: CallEvent | undefined = entry.kind === 'sent' || entry.kind === 'peer.said' ? entry.event : undefined;
    if (event?.type === 'peer.description') toSignaling.push({ type: 'send.description', to: remote ?? '(nobody)', description: event.description });
    if (event?.type === 'peer.candidate') toSignaling.push({ type: 'send.candidate', to: remote ?? '(nobody)', candidate: event.candidate });
    if (event?.type === 'signal.description') toPeer.push({ type: 'remote.description', description: event.description });
    if (event?.type === 'signal.candidate') toPeer.push({ type: 'remote.candidate', candidate: event.candidate });
  }
  return { toSignaling, toPeer };
}

/** What must hold about what happened during one step (the entries from `from` on). */
function checkStep(call: RecordedCall, before: CallSnapshot, from: number, at: string) {
  const snapshot = call.actor.getSnapshot();
  const { timeline } = call;
  const fresh = timeline.slice(from);
  const { context } = snapshot;

  // A path only sends events its state accepts, so each description or candidate, whether the test
  // sent it or the fake peer said it, must be passed on once, in order, to the right party.
  const expected = expectedCommands(fresh, context.remote?.peer_id);
  const toSignaling = fresh.flatMap((entry) => (entry.kind === 'signaling.command' ? [entry.command] : []));
  const toPeer = fresh.flatMap((entry) => (entry.kind === 'peer.command' ? [entry.command] : []));
  expect(toSignaling, `${at}: what was sent to the other peer, and to whom`).toEqual(expected.toSignaling);
  expect(toPeer, `${at}: what the peer connection was handed`).toEqual(expected.toPeer);

  fresh.forEach((entry, offset) => {
    const index = from + offset;
    if (entry.kind === 'start' && entry.effect !== 'camera') {
      const camera = sinceStart(timeline, 'camera', index);
      const mediaReady = camera.some((earlier) => earlier.kind === 'sent' && earlier.event.type === 'media.ready');
      expect(mediaReady, `${at}: ${entry.effect} started before media.ready`).toBe(true);
    }
    if (entry.kind === 'start' && entry.effect === 'signaling') {
      expect(entry.input, `${at}: signaling input`).toEqual({ room: INPUT.room, name: INPUT.name });
    }
    if (entry.kind === 'start' && entry.effect === 'peer') {
      expect(entry.input, `${at}: peer-connection input`).toEqual({ polite: context.polite, iceServers: context.iceServers });
    }
    // Answers come only from the peer connection (the sample `peer.description` is an offer), and
    // it answers only an offer the machine handed it from the other side in this connection.
    if (entry.kind === 'signaling.command' && entry.command.type === 'send.description' && entry.command.description.type === 'answer') {
      const offerReceived = sinceStart(timeline, 'peer', index).some(
        (earlier) => earlier.kind === 'peer.command' && earlier.command.type === 'remote.description' && earlier.command.description.type === 'offer',
      );
      expect(offerReceived, `${at}: an answer sent before an offer arrived`).toBe(true);
    }
  });

  // The later joiner calls: it enters the call on the welcome that lists someone already there and
  // offers to them at once; the one who was waiting enters on peerJoined and offers nothing.
  if (!inCall(before) && inCall(snapshot)) {
    const cause = fresh[0]?.kind === 'sent' ? fresh[0].event.type : undefined;
    const offers = toSignaling.filter((command) => command.type === 'send.description' && command.description.type === 'offer');
    const expectedOffers = cause === 'signal.welcome' ? [context.remote?.peer_id] : [];
    expect(offers.map((offer) => offer.to), `${at}: offers sent on entering the call`).toEqual(expectedOffers);
    expect(context.polite, `${at}: polite on entering the call`).toBe(cause === 'signal.welcome');
  }
}

/** Every dotted state path active in `value`, e.g. `active`, `active.room`, `active.room.waiting`. */
function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([key, child]) =>
    child === undefined ? [`${prefix}${key}`] : [`${prefix}${key}`, ...activePaths(child, `${prefix}${key}.`)],
  );
}

/** Replays `path` on the machine with recording fakes, checking the invariants after every step. */
function replay(path: ModelPath) {
  const call = startRecordedCall(INPUT);
  const visited = new Set(activePaths(call.actor.getSnapshot().value));
  checkState(call, 'at the start');
  for (const [index, step] of path.steps.entries()) {
    const before = call.actor.getSnapshot();
    const from = call.timeline.length;
    call.send(step.event);
    const snapshot = call.actor.getSnapshot();
    const at = `step ${index + 1}, "${step.label}" from ${stateToString(before.value)}`;
    // The machine, fed back by its effects, goes exactly where the pure model says.
    expect(snapshot.value, `${at}: state`).toEqual(step.after.value);
    expect(snapshot.context, `${at}: context`).toEqual(step.after.context);
    checkState(call, at);
    checkStep(call, before, from, at);
    for (const statePath of activePaths(snapshot.value)) visited.add(statePath);
  }
  return { call, visited };
}

describe('every path xstate/graph finds through the call machine keeps the invariants', () => {
  for (const path of paths) {
    it(path.name, () => {
      replay(path);
    });
  }
});

describe('an event a state does not accept changes nothing', () => {
  for (const path of shortestPaths(INPUT)) {
    const end = path.steps.at(-1)?.after ?? path.start;
    it(`in ${stateToString(end.value)}, reached by ${path.name}`, () => {
      const { call } = replay(path);
      for (const { label, event } of refused(end)) {
        const before = call.actor.getSnapshot();
        const from = call.timeline.length;
        call.send(event);
        const after = call.actor.getSnapshot();
        expect(after.value, `"${label}": state`).toEqual(before.value);
        expect(after.context, `"${label}": context`).toEqual(before.context);
        expect(call.timeline.slice(from), `"${label}": effects`).toEqual([{ kind: 'sent', event }]);
      }
    });
  }
});

describe('model coverage', () => {
  it('visits every state and takes every transition of the machine', () => {
    const visited = new Set<string>();
    const taken = new Set<string>();
    for (const path of paths) {
      const replayed = replay(path);
      for (const statePath of replayed.visited) visited.add(statePath);
      for (const id of replayed.call.taken) taken.add(id);
    }
    const states = [...graph.states.values()].filter((state) => state.id !== graph.rootId);
    const missingStates = states.filter((state) => !visited.has(state.path)).map((state) => state.path);
    const missingTransitions = graph.transitions.filter((transition) => !taken.has(transition.id)).map((transition) => transition.id);
    console.log(
      `model coverage: states ${states.length - missingStates.length}/${states.length}, ` +
        `transitions ${graph.transitions.length - missingTransitions.length}/${graph.transitions.length}, paths ${paths.length}`,
    );
    expect(missingStates, 'states that no path visits').toEqual([]);
    expect(missingTransitions, 'transitions that no path takes').toEqual([]);
  });
});
