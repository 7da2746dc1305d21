/**
 * Model-based tests of the call machine: xstate/graph walks it with the sample events (the user,
 * the camera, the server, and what the peer machines tell it) and its timers, with at most
 * MAX_PEOPLE others in the room (the shortest way to every state, then every event that state
 * accepts); each path is replayed on the machine with recording fakes (a stand-in for each
 * person's peer machine) and a simulated clock, and after every step the invariants below must
 * hold. The suite fails when some state or transition of the machine is on no path.
 */
import { describe, it } from 'vitest';
import { callMachine, type CallContext, type CallInput } from '../../src/client/machine/callMachine.js';
import type { CallEvent, PairCommand, SignalingCommand } from '../../src/client/machine/events.js';
import { machineGraph } from '../../src/client/machine/machineGraph.js';
import { live } from '../../src/client/machine/roster.js';
import { stateToString } from '../../src/client/machine/stateToString.js';
import { callModel as model, MAX_PEOPLE, type CallSnapshot } from './support/callModel.js';
import { activePaths, expectEverythingCovered, holds, same, take } from './support/modelChecks.js';
import type { DelayedEvent, ModelPath, ModelStep } from './support/modelPaths.js';
import {
  running,
  runningPeers,
  sinceStart,
  startRecordedCall,
  type Entry,
  type RecordedCall,
  type SessionAction,
  type ViewAction,
} from './support/recordingCall.js';

type CallPath = ModelPath<CallSnapshot, CallEvent>;
type CallStep = ModelStep<CallSnapshot, CallEvent>;
type ModelEvent = CallEvent | DelayedEvent;

const INPUT: CallInput = { room: 'model-room', name: 'Ann' };

const inActive = (snapshot: CallSnapshot) => snapshot.matches('active');
const inRoom = (snapshot: CallSnapshot) => snapshot.matches({ active: 'room' });
const mediaReady = (snapshot: CallSnapshot) => snapshot.matches({ active: { room: { media: 'ready' } } });
const inCall = (snapshot: CallSnapshot) => snapshot.matches({ active: { room: { call: 'inCall' } } });
const callConnected = (snapshot: CallSnapshot) => snapshot.matches({ active: { room: { call: { inCall: 'connected' } } } });
/** The call region's leaf, e.g. `active.room.call.inCall.connected`. */
const callRegion = (snapshot: CallSnapshot) =>
  stateToString(snapshot.value)
    .split(' ')
    .filter((path) => path.startsWith('active.room.call.'));
const keysOf = (context: CallContext) => context.people.map((person) => person.key);

const paths = model.transitionPaths(INPUT);
const graph = machineGraph(callMachine);
const LONGEST_DELAY = Math.max(...[...model.delays.values()].map((delay) => delay.ms));

type ViewEntry = Extract<Entry, { kind: 'view' }>;
function lastView(timeline: readonly Entry[], actions: readonly ViewAction[]): ViewAction | undefined {
  return timeline.findLast((entry): entry is ViewEntry => entry.kind === 'view' && actions.includes(entry.action))?.action;
}

const sentEvents = (entries: readonly Entry[]): CallEvent[] => entries.flatMap((entry) => (entry.kind === 'sent' ? [entry.event] : []));

/**
 * Whether `event`, in the call, says we came back with a new seat while others kept theirs: a
 * welcome with a `selfId` other than ours that lists someone under the id we know them by. They
 * saw us leave and join again, so we start over with everyone, as the newcomer.
 */
const seatLost = (before: CallSnapshot, event: ModelEvent): boolean =>
  inCall(before) &&
  event.type === 'signal.welcome' &&
  event.selfId !== before.context.selfId &&
  event.peers.some((peer) => before.context.people.some((person) => person.peerId === peer.peer_id));

/** What must hold in any state, whatever led there. */
function checkState(call: RecordedCall, at: string) {
  const snapshot = call.actor.getSnapshot();
  const { timeline } = call;
  const { context } = snapshot;
  // Each effect lives exactly as long as the state that owns it, and there is one peer machine
  // for each person in the call, none for anyone else, none left running on the way out.
  same(running(timeline, 'camera'), inActive(snapshot) ? 1 : 0, `${at}: cameras running`);
  same(running(timeline, 'signaling'), inRoom(snapshot) ? 1 : 0, `${at}: signaling actors running`);
  same(runningPeers(timeline), keysOf(context), `${at}: peer machines running`);
  same(Object.keys(snapshot.children).filter((id) => id.startsWith('person-')), keysOf(context), `${at}: the machine's children`);
  if (!inCall(snapshot)) same(context.people, [], `${at}: people outside a call`);
  holds(context.people.length <= MAX_PEOPLE, `${at}: at most ${MAX_PEOPLE} others`);
  same(lastView(timeline, ['showSelfView', 'hideSelfView']) === 'showSelfView', mediaReady(snapshot), `${at}: self-view shown`);
  if (inRoom(snapshot)) same(context.mediaReady, mediaReady(snapshot), `${at}: context.mediaReady`);

  if (inRoom(snapshot)) {
    // The server region follows what the signaling actor last said about the link.
    const said = sentEvents(sinceStart(timeline, 'signaling')).filter((event) => event.type === 'signal.welcome' || event.type === 'signal.disconnected');
    const expected = said.length === 0 ? 'connecting' : said.at(-1)?.type === 'signal.welcome' ? 'online' : 'reconnecting';
    same(snapshot.matches({ active: { room: { server: expected } } }), true, `${at}: server region ${expected}`);
  }

  if (inCall(snapshot)) {
    // Everyone reachable is someone the server says is there: listed in its latest welcome (who
    // is in the room after a (re)connect) or announced since; nobody is there twice.
    const announced = sentEvents(sinceStart(timeline, 'signaling')).filter((event) => event.type === 'signal.welcome' || event.type === 'signal.peerJoined');
    const sinceWelcome = announced.slice(announced.findLastIndex((event) => event.type === 'signal.welcome'));
    const present = sinceWelcome.flatMap((event) => (event.type === 'signal.welcome' ? event.peers : [event.peer]));
    for (const person of context.people) {
      if (person.peerId === null) continue;
      holds(present.some((peer) => peer.peer_id === person.peerId && peer.name === person.name), `${at}: ${person.key} is there`);
    }
    const ids = context.people.flatMap((person) => (person.peerId === null ? [] : [person.peerId]));
    same(new Set(ids).size, ids.length, `${at}: one person per id`);
    // Connected with everyone means every pair that still tries is connected.
    const trying = live(context.people);
    same(callConnected(snapshot), trying.length > 0 && trying.every((person) => person.status === 'connected'), `${at}: connected with everyone`);
  }
  // Keys name a person for the whole call and are never given to anyone else.
  const started = timeline.flatMap((entry) => (entry.kind === 'peer.start' ? [entry.key] : []));
  same(new Set(started).size, started.length, `${at}: keys never reused`);
  if (snapshot.matches('failed') || snapshot.matches('unreachable')) holds(context.problem !== null, `${at}: why the call ended`);
}

/** What the step must have passed on, to the signaling actor and to each person's peer machine. */
function expectedCommands(entries: readonly Entry[], before: CallSnapshot, after: CallSnapshot) {
  const toSignaling: SignalingCommand[] = [];
  const toPeers: { key: string; command: PairCommand }[] = [];
  const afterPeople = after.context.people;
  for (const event of sentEvents(entries)) {
    if ((event.type === 'signal.description' || event.type === 'signal.candidate') && inCall(before)) {
      // From someone: to their peer machine only; from a stranger or an old id: to nobody.
      const person = before.context.people.find((someone) => someone.peerId === event.from);
      if (person) {
        toPeers.push({
          key: person.key,
          command:
            event.type === 'signal.description'
              ? { type: 'remote.description', description: event.description }
              : { type: 'remote.candidate', candidate: event.candidate },
        });
      }
    }
    if ((event.type === 'pair.description' || event.type === 'pair.candidate') && inCall(before)) {
      // To the person's id now; to nobody while they are away.
      const to = afterPeople.find((person) => person.key === event.key)?.peerId;
      if (to) {
        toSignaling.push(
          event.type === 'pair.description'
            ? { type: 'send.description', to, description: event.description }
            : { type: 'send.candidate', to, candidate: event.candidate },
        );
      }
    }
    // The link is renewed only when no one else is connected: with others still there, the fault is more likely that person's.
    if (event.type === 'pair.refresh' && inCall(before) && !before.context.people.some((person) => person.key !== event.key && person.status === 'connected')) {
      toSignaling.push({ type: 'refresh' });
    }
    if (event.type === 'media.changed' && before.matches({ active: 'room' })) {
      // What we send now: every peer machine follows.
      for (const person of before.context.people) toPeers.push({ key: person.key, command: { type: 'media.changed', media: event.media } });
    }
    if (event.type === 'user.sendChat' && inCall(before) && event.text.trim() !== '') {
      const message = { type: 'chat' as const, id: event.id, text: event.text.trim(), sent_at: event.sentAt };
      for (const person of before.context.people) toPeers.push({ key: person.key, command: { type: 'chat.send', message } });
    }
    if (event.type === 'media.ready' && inCall(before)) {
      for (const person of afterPeople) toPeers.push({ key: person.key, command: { type: 'media.ready' } });
    }
    if (event.type === 'signal.welcome' && inCall(before)) {
      // Everyone who stays takes the fresh ICE servers; who is reachable is told so.
      const stayed = before.context.people.filter((person) => afterPeople.some((now) => now.key === person.key));
      for (const person of stayed) {
        toPeers.push({ key: person.key, command: { type: 'configure', iceServers: event.iceServers, iceTransportPolicy: event.iceTransportPolicy } });
      }
      for (const person of stayed) {
        if (afterPeople.find((now) => now.key === person.key)?.peerId) toPeers.push({ key: person.key, command: { type: 'remote.back' } });
      }
    }
    if (event.type === 'signal.peerJoined' && inCall(before)) {
      // Someone away found again: their restart, if one waits, goes on.
      for (const person of before.context.people) {
        if (person.peerId === null && afterPeople.find((now) => now.key === person.key)?.peerId) toPeers.push({ key: person.key, command: { type: 'remote.back' } });
      }
    }
  }
  return { toSignaling, toPeers };
}

/** What must hold about what happened during one step (the entries from `from` on). */
function checkStep(call: RecordedCall, before: CallSnapshot, step: CallStep, from: number, at: string) {
  const snapshot = call.actor.getSnapshot();
  const fresh = call.timeline.slice(from);
  const { context } = snapshot;
  const { event } = step;

  const expected = expectedCommands(fresh, before, snapshot);
  same(
    fresh.flatMap((entry) => (entry.kind === 'signaling.command' ? [entry.command] : [])),
    expected.toSignaling,
    `${at}: what the signaling actor was sent (for whom)`,
  );
  same(
    fresh.flatMap((entry) => (entry.kind === 'peer.command' ? [{ key: entry.key, command: entry.command }] : [])),
    expected.toPeers,
    `${at}: what each peer machine was told`,
  );

  // Peer machines start for new people only and stop for people gone, each with the facts of now.
  const beforeKeys = keysOf(before.context);
  const afterKeys = keysOf(context);
  const stopped = fresh.flatMap((entry) => (entry.kind === 'peer.stop' ? [entry.key] : []));
  const starts = fresh.flatMap((entry) => (entry.kind === 'peer.start' ? [entry] : []));
  same(stopped.sort(), beforeKeys.filter((key) => !afterKeys.includes(key)).sort(), `${at}: peer machines stopped`);
  same(
    starts.map((entry) => entry.key),
    afterKeys.filter((key) => !beforeKeys.includes(key)),
    `${at}: peer machines started`,
  );
  for (const entry of starts) {
    const person = context.people.find((someone) => someone.key === entry.key);
    same(
      entry.input,
      {
        key: entry.key,
        polite: person?.polite,
        iceServers: context.iceServers,
        iceTransportPolicy: context.iceTransportPolicy,
        mediaReady: context.mediaReady,
        media: context.localMedia,
      },
      `${at}: peer-machine input`,
    );
    // The later joiner is the polite peer: polite with everyone a welcome lists as already there,
    // except newcomers a resumed seat finds (they came after us); impolite with whoever joins after.
    const resumed = event.type === 'signal.welcome' && event.selfId === before.context.selfId;
    same(person?.polite, event.type === 'signal.welcome' && !resumed, `${at}: the role with ${entry.key}`);
    same(person?.status, 'negotiating', `${at}: a new pair's status`);
  }

  // A new seat while others kept theirs: everything starts over, with everyone listed, as the newcomer.
  if (seatLost(before, event) && event.type === 'signal.welcome') {
    same(stopped.sort(), [...beforeKeys].sort(), `${at}: every pair stopped on losing our seat`);
    same(
      context.people.map((person) => [person.peerId, person.name, person.polite]),
      event.peers.map((peer) => [peer.peer_id, peer.name, true]),
      `${at}: everyone listed, called again`,
    );
  }
  // Someone leaving ends their pair and nobody else's (unless that ends the call); one whose
  // encryption failed stays, marked, until their pair's verdict.
  if (event.type === 'signal.peerLeft' && inCall(before) && inCall(snapshot)) {
    const leaver = before.context.people.find((person) => person.peerId === event.peerId);
    const held = leaver !== undefined && leaver.encryptionFailed && live([leaver]).length === 1;
    same(stopped, leaver === undefined || held ? [] : [leaver.key], `${at}: who left`);
    if (held) same(context.people.find((person) => person.key === leaver.key)?.leaving, true, `${at}: held until the verdict`);
  }
  // A pair's status is that pair's alone; the verdict on someone who left removes them.
  if (event.type === 'pair.status' && inCall(snapshot)) {
    const leaver = before.context.people.find((person) => person.key === event.key && person.leaving);
    if (leaver && live([{ ...leaver, status: event.status }]).length === 0) same(stopped, [event.key], `${at}: the leaver goes with the verdict`);
    else same(stopped, [], `${at}: no pair stopped by a status`);
    for (const person of context.people) {
      const earlier = before.context.people.find((someone) => someone.key === person.key);
      if (person.key !== event.key) same(person, earlier, `${at}: ${person.key} untouched by another pair's status`);
      else
        same(
          [person.status, person.relayRefused, person.encryptionFailed],
          [event.status, event.relayRefused, event.encryptionFailed],
          `${at}: the pair's status`,
        );
    }
  }
  // People the server forgot who are not back in time are forgotten.
  if (step.delay?.name === 'awayGrace') same(context.people.filter((person) => person.peerId === null), [], `${at}: nobody away after awayGrace`);

  // Losing the link to the server touches nothing but the server region.
  if (event.type === 'signal.disconnected') {
    same(fresh, [{ kind: 'sent', event }], `${at}: effects`);
    same(context, before.context, `${at}: context`);
    same(callRegion(snapshot), callRegion(before), `${at}: call region`);
  }

  // The socket opens (and joins) as the camera starts, not after it: one step starts both.
  fresh.forEach((entry, offset) => {
    if (entry.kind === 'start' && entry.effect === 'signaling') {
      same(fresh.slice(0, offset).some((earlier) => earlier.kind === 'start' && earlier.effect === 'camera'), true, `${at}: signaling started with the camera`);
      same(entry.input, { room: INPUT.room, name: INPUT.name }, `${at}: signaling input`);
    }
  });

  // Remembered on the way into the call; forgotten only when the person hangs up or cannot get in.
  const session = fresh.flatMap((entry) => (entry.kind === 'session' ? [entry.action] : []));
  const expectedSession: SessionAction[] = [];
  if ((event.type === 'user.hangUp' && inActive(before)) || (event.type === 'signal.roomFull' && inRoom(before))) expectedSession.push('forgetCall');
  if (!inActive(before) && inActive(snapshot)) expectedSession.push('rememberCall');
  same(session, expectedSession, `${at}: session actions`);
}

/** Replays `path` on the machine with recording fakes, checking the invariants after every step. */
function replay(path: CallPath) {
  const call = startRecordedCall(INPUT);
  const visited = new Set(activePaths(call.actor.getSnapshot().value));
  checkState(call, 'at the start');
  for (const [index, step] of path.steps.entries()) {
    const before = call.actor.getSnapshot();
    const from = call.timeline.length;
    const at = `step ${index + 1}, "${step.label}" from ${stateToString(before.value)}`;
    take(call, step, at);
    const snapshot = call.actor.getSnapshot();
    // The machine, fed by the events and its clock, goes exactly where the pure model says.
    same(snapshot.value, step.after.value, `${at}: state`);
    same(snapshot.context, step.after.context, `${at}: context`);
    checkState(call, at);
    checkStep(call, before, step, from, at);
    for (const statePath of activePaths(snapshot.value)) visited.add(statePath);
  }
  return { call, visited };
}

const replays = new Map<CallPath, ReturnType<typeof replay>>();
/** `replay(path)`, once: the coverage check reuses what the path's own test found. */
function replayOnce(path: CallPath) {
  let replayed = replays.get(path);
  if (!replayed) {
    replayed = replay(path);
    replays.set(path, replayed);
  }
  return replayed;
}

describe('every path xstate/graph finds through the call machine keeps the invariants', () => {
  for (const path of paths) {
    it(path.name, () => {
      replayOnce(path);
    });
  }
});

describe('an event the call machine does not accept, or time where no timer runs, changes nothing', () => {
  for (const path of model.shortestPaths(INPUT)) {
    const end = path.steps.at(-1)?.after ?? path.start;
    it(`in ${stateToString(end.value)}, reached by ${path.name}`, () => {
      const { call } = replay(path);
      for (const { label, event } of model.refused(end)) {
        const before = call.actor.getSnapshot();
        const from = call.timeline.length;
        call.send(event);
        const after = call.actor.getSnapshot();
        same(after.value, before.value, `"${label}": state`);
        same(after.context, before.context, `"${label}": context`);
        same(call.timeline.slice(from), [{ kind: 'sent', event }], `"${label}": effects`);
      }
      // Nor does time, where no timer of the machine runs.
      if (!model.accepted(end).some(({ event }) => model.isDelayed(event))) {
        const before = call.actor.getSnapshot();
        const from = call.timeline.length;
        call.advance(LONGEST_DELAY);
        same(call.actor.getSnapshot().value, before.value, 'time passing: state');
        same(call.timeline.slice(from), [{ kind: 'elapsed', ms: LONGEST_DELAY }], 'time passing: effects');
      }
    });
  }
});

describe('call machine model coverage', () => {
  it('visits every state and takes every transition of the machine, timers included', () => {
    const visited = new Set<string>();
    const taken = new Set<string>();
    for (const path of paths) {
      const replayed = replayOnce(path);
      for (const statePath of replayed.visited) visited.add(statePath);
      for (const id of replayed.call.taken) taken.add(id);
    }
    expectEverythingCovered('call machine', graph, visited, taken, paths.length);
  });
});
