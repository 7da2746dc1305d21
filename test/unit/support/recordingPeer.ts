/**
 * One peer machine, as the call machine would run it, under a tiny host machine that invokes it
 * and records what it tells its parent. Its peer connection is a fake that behaves like the real
 * one (it answers offers, offers when it should) and writes one timeline of everything that
 * happened: the events the test sent, the time it let pass, each start, stop and command of the
 * peer connection, what it said, what went to the parent, and the view actions; plus which
 * transitions the peer machine took. Time is a simulated clock that moves only when told to.
 */
import { createActor, fromCallback, setup, SimulatedClock, type AnyActorRef, type SnapshotFrom } from 'xstate';
import type { PairEvent, PeerCommand, PeerEvent, PeerInput, PeerMachineEvent } from '../../../src/client/machine/events.js';
import { machineGraph, transitionId } from '../../../src/client/machine/machineGraph.js';
import { peerMachine, type PeerMachineInput } from '../../../src/client/machine/peerMachine.js';

export type Entry =
  | { kind: 'sent'; event: PeerMachineEvent }
  /** The test moved the clock on by `ms`. */
  | { kind: 'elapsed'; ms: number }
  | { kind: 'start'; input: PeerInput }
  | { kind: 'stop' }
  | { kind: 'command'; command: PeerCommand }
  /** What the fake peer connection told the machine by itself. */
  | { kind: 'said'; event: PeerEvent }
  | { kind: 'parent'; event: PairEvent }
  | { kind: 'view'; action: 'showRemoteVideo' | 'hideRemoteVideo' };

export const FAKE_OFFER = { type: 'offer' as const, sdp: 'v=0\r\n(fake local offer)\r\n' };
export const FAKE_ANSWER = { type: 'answer' as const, sdp: 'v=0\r\n(fake local answer)\r\n' };
export const FAKE_RESTART_OFFER = { type: 'offer' as const, sdp: 'v=0\r\n(fake ICE-restart offer)\r\n' };

/** Each running host's timeline, found by its actor system (which the fakes and actions are given). */
const timelines = new WeakMap<object, Entry[]>();
const recordIn = (system: object, entry: Entry) => timelines.get(system)?.push(entry);

/**
 * Like the real one: an offer from the other side is answered, whether it is handed over later
 * or comes as the initial description of a rebuilt connection (the polite peer rolls its own
 * back; the impolite one never offers first); otherwise the polite peer offers as soon as it has
 * media to send. An ICE restart is a new offer; so is media that comes after an answer.
 */
const fakePeerConnection = fromCallback<PeerCommand, PeerInput>(({ input, receive, sendBack, system }) => {
  recordIn(system, { kind: 'start', input });
  let spoken = false;
  let answered = false;
  const say = (event: PeerEvent) => {
    recordIn(system, { kind: 'said', event });
    spoken = true;
    if (event.type === 'peer.description' && event.description.type === 'answer') answered = true;
    sendBack(event);
  };
  receive((command) => {
    recordIn(system, { kind: 'command', command });
    if (command.type === 'remote.description' && command.description.type === 'offer') say({ type: 'peer.description', description: FAKE_ANSWER });
    if (command.type === 'restartIce') say({ type: 'peer.description', description: FAKE_RESTART_OFFER });
    if (command.type === 'addLocalMedia' && (answered || (input.polite && !spoken))) say({ type: 'peer.description', description: FAKE_OFFER });
  });
  if (input.initialDescription?.type === 'offer') say({ type: 'peer.description', description: FAKE_ANSWER });
  else if (input.polite && input.mediaReady) say({ type: 'peer.description', description: FAKE_OFFER });
  return () => recordIn(system, { kind: 'stop' });
});

/** Built once: `provide()` builds the whole state tree again, which would cost more than a replay. */
export const recordingPeerMachine = peerMachine.provide({
  actors: { peerConnection: fakePeerConnection },
  actions: {
    showRemoteVideo: ({ system }) => recordIn(system, { kind: 'view', action: 'showRemoteVideo' }),
    hideRemoteVideo: ({ system }) => recordIn(system, { kind: 'view', action: 'hideRemoteVideo' }),
  },
});

const PAIR_EVENTS = ['pair.description', 'pair.candidate', 'pair.status', 'pair.refresh'] as const;
const recordParent = ({ event, system }: { event: PairEvent; system: object }) => recordIn(system, { kind: 'parent', event });

/** Stands where the call machine would: runs the peer machine and records what it is told. */
const host = setup({
  types: { input: {} as PeerMachineInput, context: {} as PeerMachineInput, events: {} as PairEvent },
  actors: { peer: recordingPeerMachine },
}).createMachine({
  id: 'host',
  context: ({ input }) => input,
  invoke: { id: 'peer', src: 'peer', input: ({ context }) => context },
  on: Object.fromEntries(PAIR_EVENTS.map((type) => [type, { actions: recordParent }])),
});

/** The ids of the peer machine's transitions, as `machineGraph` gives them. */
export const PEER_GRAPH = machineGraph(peerMachine);

export function startRecordedPeer(input: PeerMachineInput) {
  const timeline: Entry[] = [];
  const taken = new Set<string>();
  const clock = new SimulatedClock();
  const actor = createActor(host, {
    input,
    clock,
    inspect: (inspection) => {
      if (inspection.type !== '@xstate.microstep' || (inspection.actorRef as AnyActorRef).id !== 'peer') return;
      for (const definition of inspection._transitions) taken.add(transitionId(definition));
    },
  });
  timelines.set(actor.system, timeline);
  actor.start();
  const peer = actor.getSnapshot().children.peer as AnyActorRef;

  return {
    peer,
    timeline,
    /** Ids (`machineGraph` form) of every transition the peer machine took so far. */
    taken,
    snapshot: () => peer.getSnapshot() as SnapshotFrom<typeof peerMachine>,
    send(event: PeerMachineEvent) {
      timeline.push({ kind: 'sent', event });
      peer.send(event);
    },
    /** Lets `ms` pass: the machine's timers that are due fire. */
    advance(ms: number) {
      timeline.push({ kind: 'elapsed', ms });
      clock.increment(ms);
    },
  };
}

export type RecordedPeer = ReturnType<typeof startRecordedPeer>;

/** How many peer connections are running at the end of `timeline`. */
export function running(timeline: readonly Entry[]): number {
  return timeline.reduce((count, entry) => count + (entry.kind === 'start' ? 1 : entry.kind === 'stop' ? -1 : 0), 0);
}

/** The entries since the latest start of a peer connection before `index` (all of them if none started). */
export function sinceStart(timeline: readonly Entry[], index = timeline.length): Entry[] {
  for (let i = index - 1; i >= 0; i -= 1) if (timeline[i]?.kind === 'start') return timeline.slice(i, index);
  return timeline.slice(0, index);
}
