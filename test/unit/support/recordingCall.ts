/**
 * The call machine with fake effects that write one timeline of everything that happened: the
 * events the test sent and each start, stop, command and message of the camera, signaling and
 * peer-connection actors, and the view actions; plus which transitions the machine took.
 */
import { createActor, fromCallback, type EventObject } from 'xstate';
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

export type Entry =
  | { kind: 'sent'; event: CallEvent }
  | { kind: 'start'; effect: 'camera' }
  | { kind: 'start'; effect: 'signaling'; input: SignalingInput }
  | { kind: 'start'; effect: 'peer'; input: PeerInput }
  | { kind: 'stop'; effect: Effect }
  | { kind: 'signaling.command'; command: SignalingCommand }
  | { kind: 'peer.command'; command: PeerCommand }
  /** What the fake peer connection told the machine by itself. */
  | { kind: 'peer.said'; event: PeerEvent }
  | { kind: 'view'; action: ViewAction };

export const FAKE_OFFER = { type: 'offer' as const, sdp: 'v=0\r\n(fake local offer)\r\n' };
export const FAKE_ANSWER = { type: 'answer' as const, sdp: 'v=0\r\n(fake local answer)\r\n' };

export function startRecordedCall(input: CallInput) {
  const timeline: Entry[] = [];
  const taken = new Set<string>();
  const record = (entry: Entry) => timeline.push(entry);

  const machine = callMachine.provide({
    actors: {
      camera: fromCallback<EventObject, unknown>(() => {
        record({ kind: 'start', effect: 'camera' });
        return () => record({ kind: 'stop', effect: 'camera' });
      }),
      signaling: fromCallback<SignalingCommand, SignalingInput>(({ input, receive }) => {
        record({ kind: 'start', effect: 'signaling', input });
        receive((command) => record({ kind: 'signaling.command', command }));
        return () => record({ kind: 'stop', effect: 'signaling' });
      }),
      // Like the real one: the polite peer offers as soon as it starts, and an offer from the
      // other side is answered (the polite peer rolls its own back; the impolite one never offers).
      peerConnection: fromCallback<PeerCommand, PeerInput>(({ input, receive, sendBack }) => {
        record({ kind: 'start', effect: 'peer', input });
        const say = (event: PeerEvent) => {
          record({ kind: 'peer.said', event });
          sendBack(event);
        };
        receive((command) => {
          record({ kind: 'peer.command', command });
          if (command.type === 'remote.description' && command.description.type === 'offer') {
            say({ type: 'peer.description', description: FAKE_ANSWER });
          }
        });
        if (input.polite) say({ type: 'peer.description', description: FAKE_OFFER });
        return () => record({ kind: 'stop', effect: 'peer' });
      }),
    },
    actions: {
      showSelfView: () => record({ kind: 'view', action: 'showSelfView' }),
      hideSelfView: () => record({ kind: 'view', action: 'hideSelfView' }),
      showRemoteVideo: () => record({ kind: 'view', action: 'showRemoteVideo' }),
      hideRemoteVideo: () => record({ kind: 'view', action: 'hideRemoteVideo' }),
    },
  });

  const actor = createActor(machine, {
    input,
    inspect: (inspection) => {
      // Only the call machine itself takes transitions; the fakes are callbacks.
      if (inspection.type !== '@xstate.microstep' || inspection.actorRef.sessionId !== inspection.rootId) return;
      for (const definition of inspection._transitions) taken.add(transitionId(definition));
    },
  });
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
