/**
 * The call machine with fake effects that write one timeline of everything that happened: the
 * events the test sent, the time it let pass, each start, stop, command and message of the
 * camera, signaling and peer-connection actors, and the view and session actions; plus which
 * transitions the machine took. Time is a simulated clock that moves only when told to.
 */
import { createActor, fromCallback, SimulatedClock, type EventObject } from 'xstate';
import { callMachine, type CallInput } from '../../../src/client/machine/callMachine.js';
import type {
  CallEvent,
  PeerCommand,
  PeerEvent,
  PeerInput,
  SignalingCommand,
  SignalingInput,
} from '../../../src/client/machine/events.js';
import { transitionId } from '../../../src/client/machine/machineGraph.js';

export type Effect = 'camera' | 'signaling' | 'peer';
export type ViewAction = 'showSelfView' | 'hideSelfView' | 'showRemoteVideo' | 'hideRemoteVideo';
export type SessionAction = 'rememberCall' | 'forgetCall';

export type Entry =
  | { kind: 'sent'; event: CallEvent }
  /** The test moved the clock on by `ms`. */
  | { kind: 'elapsed'; ms: number }
  | { kind: 'start'; effect: 'camera' }
  | { kind: 'start'; effect: 'signaling'; input: SignalingInput }
  | { kind: 'start'; effect: 'peer'; input: PeerInput }
  | { kind: 'stop'; effect: Effect }
  | { kind: 'signaling.command'; command: SignalingCommand }
  | { kind: 'peer.command'; command: PeerCommand }
  /** What the fake peer connection told the machine by itself. */
  | { kind: 'peer.said'; event: PeerEvent }
  | { kind: 'view'; action: ViewAction }
  | { kind: 'session'; action: SessionAction };

export const FAKE_OFFER = { type: 'offer' as const, sdp: 'v=0\r\n(fake local offer)\r\n' };
export const FAKE_ANSWER = { type: 'answer' as const, sdp: 'v=0\r\n(fake local answer)\r\n' };
export const FAKE_RESTART_OFFER = { type: 'offer' as const, sdp: 'v=0\r\n(fake ICE-restart offer)\r\n' };

/** Each running call's timeline, found by its actor system (which the fakes and actions are given). */
const timelines = new WeakMap<object, Entry[]>();
const recordIn = (system: object, entry: Entry) => timelines.get(system)?.push(entry);

/**
 * The machine with the recording fakes, built once: `provide()` builds the whole state tree
 * again, which would cost more than a replay itself.
 */
const recordingMachine = callMachine.provide({
  actors: {
    camera: fromCallback<EventObject, unknown>(({ system }) => {
      recordIn(system, { kind: 'start', effect: 'camera' });
      return () => recordIn(system, { kind: 'stop', effect: 'camera' });
    }),
    signaling: fromCallback<SignalingCommand, SignalingInput>(({ input, receive, system }) => {
      recordIn(system, { kind: 'start', effect: 'signaling', input });
      receive((command) => recordIn(system, { kind: 'signaling.command', command }));
      return () => recordIn(system, { kind: 'stop', effect: 'signaling' });
    }),
    // Like the real one: an offer from the other side is answered, whether it is handed over
    // later or comes as the initial description of a rebuilt connection (the polite peer rolls
    // its own back; the impolite one never offers first); otherwise the polite peer offers as
    // soon as it has media to send. An ICE restart is a new offer; so is media that comes after
    // an answer (a renegotiation).
    peerConnection: fromCallback<PeerCommand, PeerInput>(({ input, receive, sendBack, system }) => {
      recordIn(system, { kind: 'start', effect: 'peer', input });
      let spoken = false;
      let answered = false;
      const say = (event: PeerEvent) => {
        recordIn(system, { kind: 'peer.said', event });
        spoken = true;
        if (event.type === 'peer.description' && event.description.type === 'answer') answered = true;
        sendBack(event);
      };
      receive((command) => {
        recordIn(system, { kind: 'peer.command', command });
        if (command.type === 'remote.description' && command.description.type === 'offer') {
          say({ type: 'peer.description', description: FAKE_ANSWER });
        }
        if (command.type === 'restartIce') say({ type: 'peer.description', description: FAKE_RESTART_OFFER });
        if (command.type === 'addLocalMedia' && (answered || (input.polite && !spoken))) {
          say({ type: 'peer.description', description: FAKE_OFFER });
        }
      });
      if (input.initialDescription?.type === 'offer') say({ type: 'peer.description', description: FAKE_ANSWER });
      else if (input.polite && input.mediaReady) say({ type: 'peer.description', description: FAKE_OFFER });
      return () => recordIn(system, { kind: 'stop', effect: 'peer' });
    }),
  },
  actions: {
    showSelfView: ({ system }) => recordIn(system, { kind: 'view', action: 'showSelfView' }),
    hideSelfView: ({ system }) => recordIn(system, { kind: 'view', action: 'hideSelfView' }),
    showRemoteVideo: ({ system }) => recordIn(system, { kind: 'view', action: 'showRemoteVideo' }),
    hideRemoteVideo: ({ system }) => recordIn(system, { kind: 'view', action: 'hideRemoteVideo' }),
    rememberCall: ({ system }) => recordIn(system, { kind: 'session', action: 'rememberCall' }),
    forgetCall: ({ system }) => recordIn(system, { kind: 'session', action: 'forgetCall' }),
  },
});

export function startRecordedCall(input: CallInput) {
  const timeline: Entry[] = [];
  const taken = new Set<string>();
  const record = (entry: Entry) => timeline.push(entry);

  const clock = new SimulatedClock();
  const actor = createActor(recordingMachine, {
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
    send(event: CallEvent) {
      record({ kind: 'sent', event });
      actor.send(event);
    },
    /** Lets `ms` pass: the machine's timers that are due fire. */
    advance(ms: number) {
      record({ kind: 'elapsed', ms });
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

/** The entries since the latest start of `effect` before `index` (all of them if it never started). */
export function sinceStart(timeline: readonly Entry[], effect: Effect, index = timeline.length): Entry[] {
  for (let i = index - 1; i >= 0; i -= 1) {
    const entry = timeline[i];
    if (entry?.kind === 'start' && entry.effect === effect) return timeline.slice(i, index);
  }
  return timeline.slice(0, index);
}
