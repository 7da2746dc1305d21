/**
 * Model-based tests: xstate/graph walks the call machine with the sample events and its timers
 * (the shortest way to every state, then every event that state accepts), each path is replayed
 * on the machine with recording fakes and a simulated clock, and after every step the invariants
 * below must hold. The suite fails when some state or transition of the machine is on no path.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StateValue } from 'xstate';
import { describe, expect, it } from 'vitest';
import { callMachine, TIMING, type CallInput } from '../../src/client/machine/callMachine.js';
import type { CallEvent, PeerCommand, SignalingCommand } from '../../src/client/machine/events.js';
import { machineGraph } from '../../src/client/machine/machineGraph.js';
import { stateToString } from '../../src/client/machine/stateToString.js';
import {
  accepted,
  DELAYS,
  isDelayed,
  refused,
  shortestPaths,
  transitionPaths,
  type CallSnapshot,
  type ModelEvent,
  type ModelPath,
  type ModelStep,
} from './support/modelPaths.js';
import {
  running,
  sinceStart,
  startRecordedCall,
  type Entry,
  type RecordedCall,
  type SessionAction,
  type ViewAction,
} from './support/recordingCall.js';

const INPUT: CallInput = { room: 'model-room', name: 'Ann' };
const paths = transitionPaths(INPUT);
const graph = machineGraph(callMachine);
const LONGEST_DELAY = Math.max(...[...DELAYS.values()].map((delay) => delay.ms));

/**
 * `expect(actual, message).toEqual(expected)`, called only when the values differ: thousands of
 * steps each check dozens of things, and an `expect` call costs far more than the comparison.
 */
function same(actual: unknown, expected: unknown, message: string) {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, message).toEqual(expected);
}

function holds(condition: boolean, message: string) {
  if (!condition) expect(condition, message).toBe(true);
}

const inActive = (snapshot: CallSnapshot) => snapshot.matches('active');
const inRoom = (snapshot: CallSnapshot) => snapshot.matches({ active: 'room' });
const mediaReady = (snapshot: CallSnapshot) => snapshot.matches({ active: { room: { media: 'ready' } } });
const inCall = (snapshot: CallSnapshot) => snapshot.matches({ active: { room: { call: 'inCall' } } });
const restarting = (snapshot: CallSnapshot) => snapshot.matches({ active: { room: { call: { inCall: 'restarting' } } } });
const connected = (snapshot: CallSnapshot) =>
  snapshot.matches({ active: { room: { call: { inCall: 'connected' } } } }) ||
  snapshot.matches({ active: { room: { call: { inCall: 'interrupted' } } } });
/** The call region's leaf, e.g. `active.room.call.inCall.connected`. */
const callRegion = (snapshot: CallSnapshot) =>
  stateToString(snapshot.value)
    .split(' ')
    .filter((path) => path.startsWith('active.room.call.'));

type ViewEntry = Extract<Entry, { kind: 'view' }>;

function lastView(timeline: readonly Entry[], actions: readonly ViewAction[]): ViewAction | undefined {
  return timeline.findLast((entry): entry is ViewEntry => entry.kind === 'view' && actions.includes(entry.action))?.action;
}

const sentEvents = (entries: readonly Entry[]): CallEvent[] => entries.flatMap((entry) => (entry.kind === 'sent' ? [entry.event] : []));

/**
 * Whether `event`, in the call, says we came back with a new seat while the other person kept
 * theirs: a welcome with a `selfId` other than ours that still lists the other person. They saw
 * us leave and join again, so they start a fresh call with us as the newcomer.
 */
const seatLost = (before: CallSnapshot, event: ModelEvent): boolean =>
  inCall(before) &&
  event.type === 'signal.welcome' &&
  event.selfId !== before.context.selfId &&
  event.peers.some((peer) => peer.peer_id === before.context.remote?.peer_id);

/** What must hold in any state, whatever led there. */
function checkState(call: RecordedCall, at: string) {
  const snapshot = call.actor.getSnapshot();
  const { timeline } = call;
  const { context } = snapshot;
  // Each effect lives exactly as long as the state that owns it: one signaling actor anywhere in
  // the room, one peer connection anywhere in the call, none left running on the way out.
  same(running(timeline, 'camera'), inActive(snapshot) ? 1 : 0, `${at}: cameras running`);
  same(running(timeline, 'signaling'), inRoom(snapshot) ? 1 : 0, `${at}: signaling actors running`);
  same(running(timeline, 'peer'), inCall(snapshot) ? 1 : 0, `${at}: peer connections running`);
  same(lastView(timeline, ['showSelfView', 'hideSelfView']) === 'showSelfView', mediaReady(snapshot), `${at}: self-view shown`);
  if (inRoom(snapshot)) same(context.mediaReady, mediaReady(snapshot), `${at}: context.mediaReady`);
  if (!inCall(snapshot)) {
    holds(lastView(timeline, ['showRemoteVideo', 'hideRemoteVideo']) !== 'showRemoteVideo', `${at}: remote video shown outside a call`);
  }

  if (inRoom(snapshot)) {
    // The server region follows what the signaling actor last said about the link.
    const said = sentEvents(sinceStart(timeline, 'signaling')).filter(
      (event) => event.type === 'signal.welcome' || event.type === 'signal.disconnected',
    );
    const expected = said.length === 0 ? 'connecting' : said.at(-1)?.type === 'signal.welcome' ? 'online' : 'reconnecting';
    same(snapshot.matches({ active: { room: { server: expected } } }), true, `${at}: server region ${expected}`);
  }

  if (inCall(snapshot)) {
    // In a call, the other person is someone the server says is there: listed in its latest
    // welcome (the list of who is in the room after a (re)connect) or announced since. Away only
    // when that welcome listed nobody and nobody joined since.
    const announced = sentEvents(sinceStart(timeline, 'signaling')).filter(
      (event) => event.type === 'signal.welcome' || event.type === 'signal.peerJoined',
    );
    const sinceWelcome = announced.slice(announced.findLastIndex((event) => event.type === 'signal.welcome'));
    const present = sinceWelcome.flatMap((event) => (event.type === 'signal.welcome' ? event.peers : [event.peer]));
    if (context.remote === null) same(present, [], `${at}: people there while the other person is away`);
    else holds(present.some((peer) => isDeepStrictEqual(peer, context.remote)), `${at}: the other person is there`);
  }
  // The call cannot get through only for a reason the page can say: a relay that refused it, or
  // a call that never connected at all.
  if (snapshot.matches('unreachable')) {
    holds((context.relayRefused || !context.connectedOnce) && context.problem?.startsWith('The call cannot get through') === true, `${at}: why unreachable`);
  }
  if (connected(snapshot)) holds(context.connectedOnce, `${at}: connected once`);
  // A description to start from is handed to the next peer connection at once, never kept.
  same(context.pendingDescription, null, `${at}: pending description`);
  holds(context.rebuilds <= TIMING.maxRebuilds, `${at}: rebuilds (${context.rebuilds}) within TIMING.maxRebuilds`);
  if (connected(snapshot)) same(context.rebuilds, 0, `${at}: rebuilds once connected`);
}

/**
 * What the machine must have passed on during one step: each local description and candidate to
 * the remote (to nobody while the remote is away), each remote one to the peer connection, an
 * ICE restart when the impolite side starts one or the server comes back during one, and, on
 * starting an ICE restart (either side), one refresh of the link to the server before anything
 * else: a dead media path often means the network changed under a socket that may be dead too.
 */
function expectedCommands(entries: readonly Entry[], before: CallSnapshot, after: CallSnapshot) {
  const remote = after.context.remote?.peer_id;
  // Entering restarting is always the direct effect of the step's own event or timer (no state
  // reached within one step leads there by itself), so its entry runs before the peer connection
  // can answer anything, and restarting is never left and entered again within one step.
  const toSignaling: SignalingCommand[] = !restarting(before) && restarting(after) ? [{ type: 'refresh' }] : [];
  const toPeer: PeerCommand[] = [];
  for (const entry of entries) {
    const event: CallEvent | undefined = entry.kind === 'sent' || entry.kind === 'peer.said' ? entry.event : undefined;
    if (remote !== undefined && event?.type === 'peer.description') toSignaling.push({ type: 'send.description', to: remote, description: event.description });
    if (remote !== undefined && event?.type === 'peer.candidate') toSignaling.push({ type: 'send.candidate', to: remote, candidate: event.candidate });
    if (event?.type === 'signal.description') toPeer.push({ type: 'remote.description', description: event.description });
    if (event?.type === 'signal.candidate') toPeer.push({ type: 'remote.candidate', candidate: event.candidate });
    // A welcome during the call hands its fresh ICE servers to the peer connection that goes on
    // (a new one, for a newcomer, gets them as input instead).
    if (entry.kind === 'sent' && event?.type === 'signal.welcome' && inCall(before) && !seatLost(before, event)) {
      toPeer.push({ type: 'configure', iceServers: event.iceServers, iceTransportPolicy: event.iceTransportPolicy });
    }
    // A call that started before the camera was on gets the tracks when they come.
    if (entry.kind === 'sent' && event?.type === 'media.ready' && inCall(before)) toPeer.push({ type: 'addLocalMedia' });
  }
  const welcomeBack = sentEvents(entries).some((event) => event.type === 'signal.welcome') && remote !== undefined;
  // The other person, away during a restart, is back: the restart is asked for again.
  const backFromAway = before.context.remote === null && remote !== undefined;
  if (!after.context.polite && restarting(after) && (!restarting(before) || welcomeBack || backFromAway)) {
    toPeer.push({ type: 'restartIce' });
  }
  return { toSignaling, toPeer };
}

/** What must hold about what happened during one step (the entries from `from` on). */
function checkStep(call: RecordedCall, before: CallSnapshot, step: ModelStep, from: number, at: string) {
  const snapshot = call.actor.getSnapshot();
  const { timeline } = call;
  const fresh = timeline.slice(from);
  const { context } = snapshot;
  const { event } = step;

  // A path only sends events its state accepts, so each description or candidate, whether the test
  // sent it or the fake peer said it, must be passed on once, in order, to the right party.
  const expected = expectedCommands(fresh, before, snapshot);
  const toSignaling = fresh.flatMap((entry) => (entry.kind === 'signaling.command' ? [entry.command] : []));
  const toPeer = fresh.flatMap((entry) => (entry.kind === 'peer.command' ? [entry.command] : []));
  same(toSignaling, expected.toSignaling, `${at}: what the signaling actor was sent (for the other peer, and to whom)`);
  same(toPeer, expected.toPeer, `${at}: what the peer connection was handed`);

  fresh.forEach((entry, offset) => {
    const index = from + offset;
    // The socket opens (and joins) as the camera starts, not after it: one step starts both.
    if (entry.kind === 'start' && entry.effect === 'signaling') {
      const cameraStarted = fresh.slice(0, offset).some((earlier) => earlier.kind === 'start' && earlier.effect === 'camera');
      same(cameraStarted, true, `${at}: signaling started with the camera`);
    }
    if (entry.kind === 'start' && entry.effect === 'signaling') {
      same(entry.input, { room: INPUT.room, name: INPUT.name }, `${at}: signaling input`);
    }
    if (entry.kind === 'start' && entry.effect === 'peer') {
      // A connection rebuilt because the other side started over starts from their offer.
      const initialDescription = event.type === 'peer.rejected' && event.description.type === 'offer' ? event.description : null;
      same(
        entry.input,
        { polite: context.polite, iceServers: context.iceServers, iceTransportPolicy: context.iceTransportPolicy, initialDescription, mediaReady: context.mediaReady },
        `${at}: peer-connection input`,
      );
    }
    // Answers come only from the peer connection (the sample `peer.description` is an offer), and
    // it answers only an offer from the other side: handed to it, or the one it started from.
    if (entry.kind === 'signaling.command' && entry.command.type === 'send.description' && entry.command.description.type === 'answer') {
      const offerReceived = sinceStart(timeline, 'peer', index).some(
        (earlier) =>
          (earlier.kind === 'peer.command' && earlier.command.type === 'remote.description' && earlier.command.description.type === 'offer') ||
          (earlier.kind === 'start' && earlier.effect === 'peer' && earlier.input.initialDescription?.type === 'offer'),
      );
      same(offerReceived, true, `${at}: an answer sent before an offer arrived`);
    }
  });

  // The later joiner calls: it enters the call on the welcome that lists someone already there and
  // offers to them at once; the one who was waiting enters on peerJoined and offers nothing.
  // So does one who comes back to the call with a new seat: to the other person, who kept theirs,
  // it is a newcomer.
  const newcomer = seatLost(before, event);
  if ((!inCall(before) && inCall(snapshot)) || newcomer) {
    const offers = toSignaling.flatMap((command) =>
      command.type === 'send.description' && command.description.type === 'offer' ? [command.to] : [],
    );
    // Without media yet there is nothing to offer: the offer goes out on media.ready instead.
    const expectedOffers = event.type === 'signal.welcome' && context.mediaReady ? [context.remote?.peer_id] : [];
    same(offers, expectedOffers, `${at}: offers sent on entering the call`);
    same(context.polite, event.type === 'signal.welcome', `${at}: polite on entering the call`);
  }

  // Within a call the peer connection is replaced only to rebuild it (when the other side started
  // over, or an ICE restart ran out of time) or to start over as the newcomer after losing our
  // seat; then the old one is closed before the new one starts. Only a rebuild counts towards
  // TIMING.maxRebuilds; starting over as the newcomer is the other side's doing, not a failure.
  if (inCall(before) && inCall(snapshot)) {
    const rebuilt = event.type === 'peer.rejected' || step.delay?.name === 'restartTimeout';
    const lifecycle = fresh.flatMap((entry) => ((entry.kind === 'start' || entry.kind === 'stop') && entry.effect === 'peer' ? [entry.kind] : []));
    same(lifecycle, rebuilt || newcomer ? ['stop', 'start'] : [], `${at}: peer connection replaced`);
    const rebuilds = rebuilt ? before.context.rebuilds + 1 : connected(snapshot) ? 0 : before.context.rebuilds;
    same(context.rebuilds, rebuilds, `${at}: rebuilds`);
    // The role is kept for the whole call, but a newcomer is always the polite one.
    same(context.polite, newcomer || before.context.polite, `${at}: role in the call`);
    if (newcomer && event.type === 'signal.welcome') {
      same(context.selfId, event.selfId, `${at}: our new seat`);
      same(context.remote, before.context.remote, `${at}: the other person, who kept their seat`);
    }
  }

  // Losing the link to the server touches nothing but the server region.
  if (event.type === 'signal.disconnected') {
    same(fresh, [{ kind: 'sent', event }], `${at}: effects`);
    same(context, before.context, `${at}: context`);
    same(callRegion(snapshot), callRegion(before), `${at}: call region`);
  }

  // Remembered on the way into the call; forgotten only when the person hangs up or cannot get in.
  const session = fresh.flatMap((entry) => (entry.kind === 'session' ? [entry.action] : []));
  const expectedSession: SessionAction[] = [];
  if ((event.type === 'user.hangUp' && inActive(before)) || (event.type === 'signal.roomFull' && inRoom(before))) expectedSession.push('forgetCall');
  if (!inActive(before) && inActive(snapshot)) expectedSession.push('rememberCall');
  same(session, expectedSession, `${at}: session actions`);
}

/** Every dotted state path active in `value`, e.g. `active`, `active.room`, `active.room.call.waiting`. */
function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([key, child]) =>
    child === undefined ? [`${prefix}${key}`] : [`${prefix}${key}`, ...activePaths(child, `${prefix}${key}.`)],
  );
}

/** Takes one step on the running machine: sends the event, or lets the timer's delay pass. */
function take(call: RecordedCall, step: ModelStep, at: string) {
  if (step.delay === null) {
    call.send(step.event as CallEvent);
    return;
  }
  // The timer must not be due a millisecond early, and must be due exactly on time.
  const before = call.actor.getSnapshot();
  const from = call.timeline.length;
  call.advance(step.delay.ms - 1);
  same(call.actor.getSnapshot().value, before.value, `${at}: state 1 ms before ${step.delay.name}`);
  same(call.timeline.slice(from + 1), [], `${at}: effects 1 ms before ${step.delay.name}`);
  call.advance(1);
}

const replays = new Map<ModelPath, ReturnType<typeof replay>>();

/** `replay(path)`, once: the coverage check reuses what the path's own test found. */
function replayOnce(path: ModelPath) {
  let replayed = replays.get(path);
  if (!replayed) {
    replayed = replay(path);
    replays.set(path, replayed);
  }
  return replayed;
}

/** Replays `path` on the machine with recording fakes, checking the invariants after every step. */
function replay(path: ModelPath) {
  const call = startRecordedCall(INPUT);
  const visited = new Set(activePaths(call.actor.getSnapshot().value));
  checkState(call, 'at the start');
  for (const [index, step] of path.steps.entries()) {
    const before = call.actor.getSnapshot();
    const from = call.timeline.length;
    const at = `step ${index + 1}, "${step.label}" from ${stateToString(before.value)}`;
    take(call, step, at);
    const snapshot = call.actor.getSnapshot();
    // The machine, fed back by its effects and its clock, goes exactly where the pure model says.
    same(snapshot.value, step.after.value, `${at}: state`);
    same(snapshot.context, step.after.context, `${at}: context`);
    checkState(call, at);
    checkStep(call, before, step, from, at);
    for (const statePath of activePaths(snapshot.value)) visited.add(statePath);
  }
  return { call, visited };
}

describe('every path xstate/graph finds through the call machine keeps the invariants', () => {
  for (const path of paths) {
    it(path.name, () => {
      replayOnce(path);
    });
  }
});

describe('an event a state does not accept, or time where no timer runs, changes nothing', () => {
  for (const path of shortestPaths(INPUT)) {
    const end = path.steps.at(-1)?.after ?? path.start;
    it(`in ${stateToString(end.value)}, reached by ${path.name}`, () => {
      const { call } = replay(path);
      for (const { label, event } of refused(end)) {
        const before = call.actor.getSnapshot();
        const from = call.timeline.length;
        call.send(event);
        const after = call.actor.getSnapshot();
        same(after.value, before.value, `"${label}": state`);
        same(after.context, before.context, `"${label}": context`);
        same(call.timeline.slice(from), [{ kind: 'sent', event }], `"${label}": effects`);
      }
      // Nor does time, where no timer of the machine runs.
      if (!accepted(end).some(({ event }) => isDelayed(event))) {
        const before = call.actor.getSnapshot();
        const from = call.timeline.length;
        call.advance(LONGEST_DELAY);
        same(call.actor.getSnapshot().value, before.value, 'time passing: state');
        same(call.timeline.slice(from), [{ kind: 'elapsed', ms: LONGEST_DELAY }], 'time passing: effects');
      }
    });
  }
});

describe('model coverage', () => {
  it('visits every state and takes every transition of the machine, timers included', () => {
    const visited = new Set<string>();
    const taken = new Set<string>();
    for (const path of paths) {
      const replayed = replayOnce(path);
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
