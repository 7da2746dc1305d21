/**
 * Model-based tests of the peer machine alone: xstate/graph walks it with the sample events and
 * its timers (the shortest way to every state, then every event that state accepts), from a
 * polite and an impolite start, each path is replayed on a running peer machine under a host
 * that records what it tells its parent, with a fake peer connection and a simulated clock, and
 * after every step the invariants below must hold. The suite fails when some state or
 * transition of the machine is on no path.
 */
import type { SnapshotFrom } from 'xstate';
import { describe, it } from 'vitest';
import type { PairEvent, PairStatus, PeerCommand, PeerMachineEvent } from '../../src/client/machine/events.js';
import { PEER_TIMING, peerMachine, type PeerMachineInput } from '../../src/client/machine/peerMachine.js';
import { samplePeerEvents } from '../../src/client/machine/sampleEvents.js';
import { stateToString } from '../../src/client/machine/stateToString.js';
import { activePaths, expectEverythingCovered, holds, same, take } from './support/modelChecks.js';
import { createModel, withSilentParent, type ModelPath, type ModelStep } from './support/modelPaths.js';
import { PEER_GRAPH, running, sinceStart, startRecordedPeer, type Entry, type RecordedPeer } from './support/recordingPeer.js';

type PeerSnapshot = SnapshotFrom<typeof peerMachine>;
type PeerPath = ModelPath<PeerSnapshot, PeerMachineEvent>;
type PeerStep = ModelStep<PeerSnapshot, PeerMachineEvent>;

const TURN = [{ urls: 'turn:turn.example.org:3478', username: 'u', credential: 'c' }];
/** The later joiner, with the camera already on, on a server that allows direct paths; and the first, before its camera, relayed only. */
const INPUTS: PeerMachineInput[] = [
  { key: 'person-1', polite: true, iceServers: [], iceTransportPolicy: 'all', mediaReady: true, media: { audio: true, video: true, screen: false, screenBeside: false } },
  { key: 'person-2', polite: false, iceServers: TURN, iceTransportPolicy: 'relay', mediaReady: false, media: { audio: false, video: true, screen: false, screenBeside: false } },
];

const inConnection = (snapshot: PeerSnapshot) => snapshot.matches('connection');
const restarting = (snapshot: PeerSnapshot) => snapshot.matches({ connection: 'restarting' });
const connected = (snapshot: PeerSnapshot) => snapshot.matches({ connection: 'connected' }) || snapshot.matches({ connection: 'interrupted' });

const model = createModel<PeerSnapshot, PeerMachineEvent, PeerMachineInput>({
  machine: withSilentParent(peerMachine),
  timing: PEER_TIMING,
  samples: () => samplePeerEvents(),
  // Only a running peer connection speaks; the call machine may send the rest at any time.
  couldHappen: (snapshot, event) => !event.type.startsWith('peer.') || inConnection(snapshot),
  /**
   * What changes what the machine does next: its role and policy, how many rebuilds are left,
   * whether the relay refused it, whether it ever connected, and whether it has media to send.
   */
  stateKey: (snapshot) => {
    const { context } = snapshot;
    return [
      stateToString(snapshot.value),
      context.polite ? 'polite' : 'impolite',
      context.iceTransportPolicy,
      `rebuilds ${context.rebuilds}`,
      context.relayRefused ? 'relay refused' : '',
      context.encryptionFailed ? 'encryption failed' : '',
      context.connectedOnce ? '' : 'never connected',
      context.mediaReady ? '' : 'no media',
    ].join(' ');
  },
});

const paths = INPUTS.flatMap((input) => model.transitionPaths(input).map((path) => ({ input, path })));
const LONGEST_DELAY = Math.max(...[...model.delays.values()].map((delay) => delay.ms));

/** The status the peer machine reports in each of its states. */
function statusOf(snapshot: PeerSnapshot): PairStatus {
  if (snapshot.matches('failed')) return 'failed';
  if (snapshot.matches('unreachable')) return 'unreachable';
  for (const state of ['negotiating', 'connected', 'interrupted', 'restarting'] as const) {
    if (snapshot.matches({ connection: state })) return state;
  }
  throw new Error(`No status for ${stateToString(snapshot.value)}.`);
}

const toParent = (entries: readonly Entry[]) => entries.flatMap((entry) => (entry.kind === 'parent' ? [entry.event] : []));
const lastView = (timeline: readonly Entry[]) => timeline.findLast((entry) => entry.kind === 'view');

/** What must hold in any state, whatever led there. */
function checkState(peer: RecordedPeer, input: PeerMachineInput, at: string) {
  const snapshot = peer.snapshot();
  const { context } = snapshot;
  const { timeline } = peer;
  // One peer connection while the machine tries, none once it gave up.
  same(running(timeline), inConnection(snapshot) ? 1 : 0, `${at}: peer connections running`);
  // Their video is shown only while a connection is there to carry it.
  if (!inConnection(snapshot)) holds(lastView(timeline)?.kind !== 'view' || (lastView(timeline) as { action: string }).action !== 'showRemoteVideo', `${at}: remote video shown without a connection`);
  // The call machine always knows how this pair is doing: the latest status is the current one.
  const statuses = toParent(timeline).filter((event): event is Extract<PairEvent, { type: 'pair.status' }> => event.type === 'pair.status');
  const status = statusOf(snapshot);
  same(
    statuses.at(-1),
    {
      type: 'pair.status',
      key: input.key,
      status,
      relayRefused: context.relayRefused,
      encryptionFailed: context.encryptionFailed,
      problem: status === 'failed' || status === 'unreachable' ? context.problem : null,
    },
    `${at}: the latest status told to the parent`,
  );
  same(context.polite, input.polite, `${at}: the role is kept for the whole pair`);
  same(context.key, input.key, `${at}: key`);
  // The pair cannot get through only for a reason the page can say.
  if (snapshot.matches('unreachable')) {
    holds((context.relayRefused || !context.connectedOnce) && context.problem?.startsWith('The call cannot get through') === true, `${at}: why unreachable`);
  }
  if (snapshot.matches('failed')) holds(context.problem !== null, `${at}: why failed`);
  if (connected(snapshot)) holds(context.connectedOnce, `${at}: connected once`);
  // A description to start from is handed to the next peer connection at once, never kept.
  same(context.pendingDescription, null, `${at}: pending description`);
  holds(context.rebuilds <= PEER_TIMING.maxRebuilds, `${at}: rebuilds (${context.rebuilds}) within PEER_TIMING.maxRebuilds`);
  if (connected(snapshot)) same(context.rebuilds, 0, `${at}: rebuilds once connected`);
}

/**
 * What the peer connection must have been handed during one step: what the call machine sent
 * for it, while there is one; an ICE restart when the impolite side starts one or its person is
 * reachable again during one.
 */
function expectedCommands(entries: readonly Entry[], before: PeerSnapshot, after: PeerSnapshot): PeerCommand[] {
  const commands: PeerCommand[] = [];
  if (!inConnection(before)) return commands;
  for (const entry of entries) {
    if (entry.kind !== 'sent') continue;
    const { event } = entry;
    if (event.type === 'remote.description' || event.type === 'remote.candidate') commands.push(event);
    if (event.type === 'configure') commands.push(event);
    if (event.type === 'media.ready') commands.push({ type: 'addLocalMedia' });
    if (event.type === 'media.changed') commands.push({ type: 'sendMedia', media: event.media });
    if (event.type === 'chat.send') commands.push({ type: 'sendChat', message: event.message });
    if (event.type === 'remote.back' && restarting(before) && !after.context.polite) commands.push({ type: 'restartIce' });
  }
  if (!after.context.polite && restarting(after) && !restarting(before)) commands.push({ type: 'restartIce' });
  return commands;
}

/** What must hold about what happened during one step (the entries from `from` on). */
function checkStep(peer: RecordedPeer, input: PeerMachineInput, before: PeerSnapshot, step: PeerStep, from: number, at: string) {
  const snapshot = peer.snapshot();
  const { context } = snapshot;
  const { timeline } = peer;
  const fresh = timeline.slice(from);
  const { event } = step;

  same(
    fresh.flatMap((entry) => (entry.kind === 'command' ? [entry.command] : [])),
    expectedCommands(fresh, before, snapshot),
    `${at}: what the peer connection was handed`,
  );

  // Everything the peer connection says for the other side goes to the parent, in order, with the key.
  const spoken = fresh.flatMap((entry): PairEvent[] => {
    const said = entry.kind === 'sent' || entry.kind === 'said' ? entry.event : undefined;
    if (said?.type === 'peer.description') return [{ type: 'pair.description', key: input.key, description: said.description }];
    if (said?.type === 'peer.candidate') return [{ type: 'pair.candidate', key: input.key, candidate: said.candidate }];
    return [];
  });
  const parent = toParent(fresh);
  same(
    parent.filter((told) => told.type === 'pair.description' || told.type === 'pair.candidate'),
    spoken,
    `${at}: what was passed on for the other person`,
  );
  // One refresh of the server link on starting an ICE restart (either side): the network may have changed.
  same(
    parent.filter((told) => told.type === 'pair.refresh'),
    !restarting(before) && restarting(snapshot) ? [{ type: 'pair.refresh', key: input.key }] : [],
    `${at}: refresh asked for`,
  );

  // The peer connection is replaced only to rebuild it: when the other side started over, or an
  // ICE restart ran out of time; the old one is closed before the new one starts.
  const rebuilt = inConnection(before) && inConnection(snapshot) && (event.type === 'peer.rejected' || step.delay?.name === 'restartTimeout');
  const lifecycle = fresh.flatMap((entry) => (entry.kind === 'start' || entry.kind === 'stop' ? [entry.kind] : []));
  same(lifecycle, rebuilt ? ['stop', 'start'] : inConnection(before) && !inConnection(snapshot) ? ['stop'] : [], `${at}: peer connection replaced`);
  const rebuilds = rebuilt ? before.context.rebuilds + 1 : connected(snapshot) ? 0 : before.context.rebuilds;
  same(context.rebuilds, rebuilds, `${at}: rebuilds`);
  if (rebuilt) same(lastView(fresh), { kind: 'view', action: 'hideRemoteVideo' }, `${at}: the old connection's video hidden`);

  // A status is told on every change of state, and only then (or when the relay refuses while a
  // direct path may work, or the encryption fails before its verdict).
  const changed = stateToString(before.value) !== stateToString(snapshot.value) || rebuilt;
  const statuses = parent.filter((told) => told.type === 'pair.status');
  if (changed) holds(statuses.length > 0, `${at}: status told on a change`);
  else same(statuses.length, event.type === 'peer.relayFailed' || event.type === 'peer.encryptionFailed' ? 1 : 0, `${at}: statuses told without a change`);

  fresh.forEach((entry, offset) => {
    if (entry.kind === 'start') {
      // A connection rebuilt because the other side started over starts from their offer.
      const initialDescription = event.type === 'peer.rejected' && event.description.type === 'offer' ? event.description : null;
      same(
        entry.input,
        {
          key: input.key,
          polite: input.polite,
          iceServers: context.iceServers,
          iceTransportPolicy: context.iceTransportPolicy,
          initialDescription,
          mediaReady: context.mediaReady,
          media: context.media,
        },
        `${at}: peer-connection input`,
      );
    }
    // Answers come only from the peer connection, and only to an offer from the other side.
    if (entry.kind === 'parent' && entry.event.type === 'pair.description' && entry.event.description.type === 'answer') {
      const offerReceived = sinceStart(timeline, from + offset).some(
        (earlier) =>
          (earlier.kind === 'command' && earlier.command.type === 'remote.description' && earlier.command.description.type === 'offer') ||
          (earlier.kind === 'start' && earlier.input.initialDescription?.type === 'offer'),
      );
      same(offerReceived, true, `${at}: an answer sent before an offer arrived`);
    }
  });

  // Fresh ICE servers and the camera are kept whatever the state, so a rebuilt connection starts from them.
  if (event.type === 'configure') same([context.iceServers, context.iceTransportPolicy], [event.iceServers, event.iceTransportPolicy], `${at}: ICE servers kept`);
  if (event.type === 'media.ready') same(context.mediaReady, true, `${at}: media kept`);
}

function replay(input: PeerMachineInput, path: PeerPath) {
  const peer = startRecordedPeer(input);
  const visited = new Set(activePaths(peer.snapshot().value));
  checkState(peer, input, 'at the start');
  for (const [index, step] of path.steps.entries()) {
    const before = peer.snapshot();
    const from = peer.timeline.length;
    const at = `step ${index + 1}, "${step.label}" from ${stateToString(before.value)}`;
    take(peer, step, at);
    const snapshot = peer.snapshot();
    // The machine, fed back by its peer connection and its clock, goes exactly where the pure model says.
    same(snapshot.value, step.after.value, `${at}: state`);
    same(snapshot.context, step.after.context, `${at}: context`);
    checkState(peer, input, at);
    checkStep(peer, input, before, step, from, at);
    for (const statePath of activePaths(snapshot.value)) visited.add(statePath);
  }
  return { peer, visited };
}

const replays = new Map<PeerPath, ReturnType<typeof replay>>();
function replayOnce(input: PeerMachineInput, path: PeerPath) {
  let replayed = replays.get(path);
  if (!replayed) {
    replayed = replay(input, path);
    replays.set(path, replayed);
  }
  return replayed;
}

const role = (input: PeerMachineInput) => (input.polite ? 'polite' : 'impolite');

describe('every path xstate/graph finds through the peer machine keeps the invariants', () => {
  for (const { input, path } of paths) {
    it(`(${role(input)}) ${path.name}`, () => {
      replayOnce(input, path);
    });
  }
});

describe('an event the peer machine does not accept, or time where no timer runs, changes nothing', () => {
  for (const input of INPUTS) {
    for (const path of model.shortestPaths(input)) {
      const end = path.steps.at(-1)?.after ?? path.start;
      it(`(${role(input)}) in ${stateToString(end.value)}, reached by ${path.name}`, () => {
        const { peer } = replay(input, path);
        for (const { label, event } of model.refused(end)) {
          const before = peer.snapshot();
          const from = peer.timeline.length;
          peer.send(event);
          same(peer.snapshot().value, before.value, `"${label}": state`);
          same(peer.snapshot().context, before.context, `"${label}": context`);
          same(peer.timeline.slice(from), [{ kind: 'sent', event }], `"${label}": effects`);
        }
        if (!model.accepted(end).some(({ event }) => model.isDelayed(event))) {
          const before = peer.snapshot();
          const from = peer.timeline.length;
          peer.advance(LONGEST_DELAY);
          same(peer.snapshot().value, before.value, 'time passing: state');
          same(peer.timeline.slice(from), [{ kind: 'elapsed', ms: LONGEST_DELAY }], 'time passing: effects');
        }
      });
    }
  }
});

describe('peer machine model coverage', () => {
  it('visits every state and takes every transition of the machine, timers included', () => {
    const visited = new Set<string>();
    const taken = new Set<string>();
    for (const { input, path } of paths) {
      const replayed = replayOnce(input, path);
      for (const statePath of replayed.visited) visited.add(statePath);
      for (const id of replayed.peer.taken) taken.add(id);
    }
    expectEverythingCovered('peer machine', PEER_GRAPH, visited, taken, paths.length);
  });
});
