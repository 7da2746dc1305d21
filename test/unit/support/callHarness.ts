/**
 * Runs the call machine with fake effects that record what the machine asked of them: which
 * actors were started and stopped, with what input, what they were sent, which view and session
 * actions ran. Time is a simulated clock, so the ICE timers run only when a test moves it on.
 */
import { createActor, fromCallback, SimulatedClock, type EventObject } from 'xstate';
import { callMachine, type CallInput } from '../../../src/client/machine/callMachine.js';
import type { CallEvent, PeerCommand, PeerInput, SignalingCommand, SignalingInput } from '../../../src/client/machine/events.js';
import { stateToString } from '../../../src/client/machine/stateToString.js';

export interface EffectLog {
  camera: { started: number; stopped: number };
  signaling: { inputs: SignalingInput[]; stopped: number; sent: SignalingCommand[] };
  peer: { inputs: PeerInput[]; stopped: number; received: PeerCommand[] };
  view: string[];
  /** `rememberCall` / `forgetCall`, in order. */
  session: string[];
}

export function startCall(input: CallInput = { room: 'room-1' }) {
  const log: EffectLog = {
    camera: { started: 0, stopped: 0 },
    signaling: { inputs: [], stopped: 0, sent: [] },
    peer: { inputs: [], stopped: 0, received: [] },
    view: [],
    session: [],
  };
  const machine = callMachine.provide({
    actors: {
      camera: fromCallback<EventObject, unknown>(() => {
        log.camera.started += 1;
        return () => {
          log.camera.stopped += 1;
        };
      }),
      signaling: fromCallback<SignalingCommand, SignalingInput>(({ input, receive }) => {
        log.signaling.inputs.push(input);
        receive((command) => log.signaling.sent.push(command));
        return () => {
          log.signaling.stopped += 1;
        };
      }),
      peerConnection: fromCallback<PeerCommand, PeerInput>(({ input, receive }) => {
        log.peer.inputs.push(input);
        receive((command) => log.peer.received.push(command));
        return () => {
          log.peer.stopped += 1;
        };
      }),
    },
    actions: {
      showSelfView: () => log.view.push('showSelfView'),
      hideSelfView: () => log.view.push('hideSelfView'),
      showRemoteVideo: () => log.view.push('showRemoteVideo'),
      hideRemoteVideo: () => log.view.push('hideRemoteVideo'),
      rememberCall: () => log.session.push('rememberCall'),
      forgetCall: () => log.session.push('forgetCall'),
    },
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input, clock });
  actor.start();
  return {
    actor,
    log,
    send: (...events: CallEvent[]) => {
      for (const event of events) actor.send(event);
    },
    /** Moves the simulated clock on by `ms`, firing the timers that are due. */
    advance: (ms: number) => clock.increment(ms),
    state: () => stateToString(actor.getSnapshot().value),
    context: () => actor.getSnapshot().context,
  };
}

export type Call = ReturnType<typeof startCall>;

export const ALICE = { peer_id: 'alice-id', name: 'Alice' };
export const BOB = { peer_id: 'bob-id', name: 'Bob' };
export const ICE = [{ urls: 'stun:stun.example.test:3478' }];
export const OFFER = { type: 'offer' as const, sdp: 'v=0 offer' };
export const ANSWER = { type: 'answer' as const, sdp: 'v=0 answer' };
export const CANDIDATE = { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

/** The state strings the tests expect, one leaf per region of the room. */
export const IN_ROOM = {
  joining: 'active.room.media.ready active.room.call.joining active.room.server.connecting',
  waiting: 'active.room.media.ready active.room.call.waiting active.room.server.online',
  negotiating: 'active.room.media.ready active.room.call.inCall.negotiating active.room.server.online',
  connected: 'active.room.media.ready active.room.call.inCall.connected active.room.server.online',
  interrupted: 'active.room.media.ready active.room.call.inCall.interrupted active.room.server.online',
  restarting: 'active.room.media.ready active.room.call.inCall.restarting active.room.server.online',
} as const;

/** Just after Start: the camera starting while the socket opens and joins. */
export const CAPTURING = 'active.room.media.capturing active.room.call.joining active.room.server.connecting';

export type CallPoint =
  | 'capturing'
  | 'joining'
  | 'waiting'
  | 'negotiatingAsPolite'
  | 'negotiatingAsImpolite'
  | 'connected'
  | 'connectedAsPolite'
  | 'interrupted'
  | 'restarting'
  | 'restartingAsPolite'
  | 'reconnecting';

/**
 * Drives a fresh call to the given point. Alice was there first (impolite, she waits for Bob);
 * the `AsPolite` points are Bob's side, who joins while Alice is there.
 */
export function callIn(point: CallPoint): Call {
  const call = startCall();
  call.send({ type: 'user.start' });
  if (point === 'capturing') return call;
  call.send({ type: 'media.ready' });
  if (point === 'joining') return call;
  if (point === 'negotiatingAsPolite' || point === 'connectedAsPolite' || point === 'restartingAsPolite') {
    call.send({ type: 'signal.welcome', selfId: BOB.peer_id, peers: [ALICE], iceServers: ICE, iceTransportPolicy: 'all' });
    if (point === 'negotiatingAsPolite') return call;
    call.send({ type: 'peer.connected' });
    if (point === 'connectedAsPolite') return call;
    call.send({ type: 'peer.failed' });
    return call;
  }
  call.send({ type: 'signal.welcome', selfId: ALICE.peer_id, peers: [], iceServers: ICE, iceTransportPolicy: 'all' });
  if (point === 'waiting') return call;
  call.send({ type: 'signal.peerJoined', peer: BOB });
  if (point === 'negotiatingAsImpolite') return call;
  call.send({ type: 'peer.connected' });
  if (point === 'connected') return call;
  if (point === 'reconnecting') {
    call.send({ type: 'signal.disconnected' });
    return call;
  }
  call.send({ type: 'peer.disconnected' });
  if (point === 'interrupted') return call;
  call.send({ type: 'peer.failed' });
  return call;
}
