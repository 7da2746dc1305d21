/**
 * The call machine alone, with fake effects that write one timeline of everything that happened:
 * the events the test sent, the time it let pass, each start, stop and command of the camera and
 * signaling actors and of each person's peer machine, and the view and session actions; plus
 * which transitions the machine took. Each person's peer machine is a stand-in that records
 * what it is told and says nothing: the test speaks for it with `pair.*` events, as
 * samplePairEvents does. Time is a simulated clock that moves only when told to.
 */
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { callMachine, type CallInput } from '../../../src/client/machine/callMachine.js';
import type { CallEvent, DeviceCommand, PairCommand, SignalingCommand, SignalingInput } from '../../../src/client/machine/events.js';
import { localMediaMachine } from '../../../src/client/machine/localMediaMachine.js';
import { transitionId } from '../../../src/client/machine/machineGraph.js';
import type { peerMachine, PeerMachineInput } from '../../../src/client/machine/peerMachine.js';

export type Effect = 'camera' | 'signaling';
export type ViewAction = 'showSelfView' | 'hideSelfView';
export type SessionAction = 'rememberCall' | 'forgetCall';

export type Entry =
  | { kind: 'sent'; event: CallEvent }
  /** The test moved the clock on by `ms`. */
  | { kind: 'elapsed'; ms: number }
  | { kind: 'start'; effect: 'camera' }
  | { kind: 'start'; effect: 'signaling'; input: SignalingInput }
  | { kind: 'stop'; effect: Effect }
  | { kind: 'signaling.command'; command: SignalingCommand }
  | { kind: 'peer.start'; key: string; input: PeerMachineInput }
  | { kind: 'peer.stop'; key: string }
  | { kind: 'peer.command'; key: string; command: PairCommand }
  | { kind: 'view'; action: ViewAction }
  | { kind: 'session'; action: SessionAction };

/** Each running call's timeline, found by its actor system (which the fakes and actions are given). */
const timelines = new WeakMap<object, Entry[]>();
const recordIn = (system: object, entry: Entry) => timelines.get(system)?.push(entry);

/**
 * The machine with the recording fakes, built once: `provide()` builds the whole state tree
 * again, which would cost more than a replay itself. The model walks this same machine, so a
 * spawn there makes a stand-in, not a whole peer machine.
 */
export const recordingCallMachine = callMachine.provide({
  actors: {
    media: localMediaMachine.provide({
      actors: {
        devices: fromCallback<DeviceCommand>(({ system }) => {
          recordIn(system, { kind: 'start', effect: 'camera' });
          return () => recordIn(system, { kind: 'stop', effect: 'camera' });
        }),
      },
    }),
    signaling: fromCallback<SignalingCommand, SignalingInput>(({ input, receive, system }) => {
      recordIn(system, { kind: 'start', effect: 'signaling', input });
      receive((command) => recordIn(system, { kind: 'signaling.command', command }));
      return () => recordIn(system, { kind: 'stop', effect: 'signaling' });
    }),
    // `provide` expects the peer machine's own type; the stand-in takes the same input and commands.
    peer: fromCallback<PairCommand, PeerMachineInput>(({ input, receive, system }) => {
      recordIn(system, { kind: 'peer.start', key: input.key, input });
      receive((command) => recordIn(system, { kind: 'peer.command', key: input.key, command }));
      return () => recordIn(system, { kind: 'peer.stop', key: input.key });
    }) as unknown as typeof peerMachine,
  },
  actions: {
    showSelfView: ({ system }) => recordIn(system, { kind: 'view', action: 'showSelfView' }),
    hideSelfView: ({ system }) => recordIn(system, { kind: 'view', action: 'hideSelfView' }),
    rememberCall: ({ system }) => recordIn(system, { kind: 'session', action: 'rememberCall' }),
    forgetCall: ({ system }) => recordIn(system, { kind: 'session', action: 'forgetCall' }),
  },
});

export function startRecordedCall(input: CallInput) {
  const timeline: Entry[] = [];
  const taken = new Set<string>();
  const clock = new SimulatedClock();
  const actor = createActor(recordingCallMachine, {
    input,
    clock,
    inspect: (inspection) => {
      // Only the call machine itself takes transitions; the fakes are callbacks.
      if (inspection.type !== '@xstate.microstep' || inspection.actorRef.sessionId !== inspection.rootId) return;
      for (const definition of inspection._transitions) taken.add(transitionId(definition));
    },
  });
  timelines.set(actor.system, timeline);
  actor.start();

  return {
    actor,
    timeline,
    /** Ids (`machineGraph` form) of every transition taken so far. */
    taken,
    snapshot: () => actor.getSnapshot(),
    send(event: CallEvent) {
      timeline.push({ kind: 'sent', event });
      actor.send(event);
    },
    /** Lets `ms` pass: the machine's timers that are due fire. */
    advance(ms: number) {
      timeline.push({ kind: 'elapsed', ms });
      clock.increment(ms);
    },
  };
}

export type RecordedCall = ReturnType<typeof startRecordedCall>;

/** How many of `effect` are running at the end of `timeline`. */
export function running(timeline: readonly Entry[], effect: Effect): number {
  let count = 0;
  for (const entry of timeline) {
    if (entry.kind === 'start' && entry.effect === effect) count += 1;
    if (entry.kind === 'stop' && entry.effect === effect) count -= 1;
  }
  return count;
}

/** The keys of the peer machines running at the end of `entries`, in the order they started. */
export function runningPeers(entries: readonly Entry[]): string[] {
  const keys: string[] = [];
  for (const entry of entries) {
    if (entry.kind === 'peer.start') keys.push(entry.key);
    if (entry.kind === 'peer.stop') keys.splice(keys.indexOf(entry.key), 1);
  }
  return keys;
}

/** The entries since the latest start of `effect` before `index` (all of them if it never started). */
export function sinceStart(timeline: readonly Entry[], effect: Effect, index = timeline.length): Entry[] {
  for (let i = index - 1; i >= 0; i -= 1) {
    const entry = timeline[i];
    if (entry?.kind === 'start' && entry.effect === effect) return timeline.slice(i, index);
  }
  return timeline.slice(0, index);
}
