/**
 * Runs the call machine, with its real peer machines, on fake effects that record what the
 * machines asked of them: which actors were started and stopped, with what input, what they were
 * sent, which view and session actions ran. Each peer connection is recorded apart, under the
 * person it is with, and the test speaks for it (`peer`), as the real one would. Time is a
 * simulated clock, so the timers run only when a test moves it on.
 */
import { createActor, fromCallback, SimulatedClock, type ActorRefFrom } from 'xstate';
import type { CallInput } from '../../../src/client/machine/callMachine.js';
import type { CallEvent, DeviceCommand, PeerCommand, PeerEvent, PeerInput, SignalingCommand, SignalingInput } from '../../../src/client/machine/events.js';
import type { peerMachine } from '../../../src/client/machine/peerMachine.js';
import { provideCall } from '../../../src/client/machine/provideCall.js';
import { stateToString } from '../../../src/client/machine/stateToString.js';

/** One peer connection the machines started. */
export interface Connection {
  /** The person it is with (their peer machine's id). */
  key: string;
  input: PeerInput;
  received: PeerCommand[];
  stopped: boolean;
  /** Tells the peer machine something, as this peer connection would. */
  say(event: PeerEvent): void;
}

export interface EffectLog {
  camera: { started: number; stopped: number };
  signaling: { inputs: SignalingInput[]; stopped: number; sent: SignalingCommand[] };
  /** Every peer connection, in the order they started. */
  connections: Connection[];
  /** View actions; the remote ones name the person, e.g. `showRemoteVideo person-1`. */
  view: string[];
  /** `rememberCall` / `forgetCall`, in order. */
  session: string[];
}

export function startCall(input: CallInput = { room: 'room-1' }) {
  const log: EffectLog = {
    camera: { started: 0, stopped: 0 },
    signaling: { inputs: [], stopped: 0, sent: [] },
    connections: [],
    view: [],
    session: [],
  };
  const machine = provideCall({
    camera: fromCallback<DeviceCommand>(() => {
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
    peerConnection: fromCallback<PeerCommand, PeerInput>(({ input, receive, sendBack }) => {
      const connection: Connection = { key: input.key, input, received: [], stopped: false, say: sendBack };
      log.connections.push(connection);
      receive((command) => connection.received.push(command));
      return () => {
        connection.stopped = true;
      };
    }),
    showSelfView: () => log.view.push('showSelfView'),
    hideSelfView: () => log.view.push('hideSelfView'),
    showRemoteVideo: (key) => log.view.push(`showRemoteVideo ${key}`),
    hideRemoteVideo: (key) => log.view.push(`hideRemoteVideo ${key}`),
    rememberCall: () => log.session.push('rememberCall'),
    forgetCall: () => log.session.push('forgetCall'),
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input, clock });
  actor.start();

  const connectionsWith = (key: string) => log.connections.filter((connection) => connection.key === key);
  const peerActor = (key: string) => actor.getSnapshot().children[key] as ActorRefFrom<typeof peerMachine> | undefined;
  return {
    actor,
    log,
    send: (...events: CallEvent[]) => {
      for (const event of events) actor.send(event);
    },
    /** What the running peer connection with `key` tells its peer machine. */
    peer: (key: string, ...events: PeerEvent[]) => {
      const running = connectionsWith(key).findLast((connection) => !connection.stopped);
      if (!running) throw new Error(`No peer connection with ${key} is running.`);
      for (const event of events) running.say(event);
    },
    /** Moves the simulated clock on by `ms`, firing the timers that are due. */
    advance: (ms: number) => clock.increment(ms),
    state: () => stateToString(actor.getSnapshot().value),
    context: () => actor.getSnapshot().context,
    person: (key: string) => actor.getSnapshot().context.people.find((person) => person.key === key),
    /** The state of the peer machine of `key`, e.g. `connection.connected`; undefined when there is none. */
    peerState: (key: string) => {
      const child = peerActor(key);
      return child ? stateToString(child.getSnapshot().value) : undefined;
    },
    peerContext: (key: string) => peerActor(key)?.getSnapshot().context,
    /** The peer connections with `key`, oldest first. */
    connections: connectionsWith,
    /** How many peer connections with `key` were started and stopped, and what they were told, in order. */
    peerLog: (key: string) => {
      const all = connectionsWith(key);
      return {
        started: all.length,
        stopped: all.filter((connection) => connection.stopped).length,
        received: all.flatMap((connection) => connection.received),
      };
    },
    /** How many peer connections (with anyone) are running. */
    running: () => log.connections.filter((connection) => !connection.stopped).length,
  };
}

export type Call = ReturnType<typeof startCall>;

export const ALICE = { peer_id: 'alice-id', name: 'Alice' };
export const BOB = { peer_id: 'bob-id', name: 'Bob' };
export const CAROL = { peer_id: 'carol-id', name: 'Carol' };
export const DAN = { peer_id: 'dan-id', name: 'Dan' };
export const ICE = [{ urls: 'stun:stun.example.test:3478' }];
export const OFFER = { type: 'offer' as const, sdp: 'v=0 offer' };
export const ANSWER = { type: 'answer' as const, sdp: 'v=0 answer' };
export const CANDIDATE = { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

/** The first person met in a call: the one who joined after us, or the one who was there. */
export const FIRST = 'person-1';
export const SECOND = 'person-2';
export const THIRD = 'person-3';

export const welcome = (selfId: string, peers: { peer_id: string; name: string }[], iceServers = ICE) => ({
  type: 'signal.welcome' as const,
  selfId,
  peers,
  iceServers,
  iceTransportPolicy: 'all' as const,
});

/** What a peer connection is started with, apart from whom it is with. */
export const peerInput = (key: string, polite: boolean, more: Partial<PeerInput> = {}): PeerInput => ({
  key,
  polite,
  iceServers: ICE,
  iceTransportPolicy: 'all',
  initialDescription: null,
  mediaReady: true,
  media: { audio: true, video: true, screen: false, screenBeside: false },
  ...more,
});

/** The state strings the tests expect, one leaf per region of the room. */
export const IN_ROOM = {
  joining: 'active.room.media.ready active.room.call.joining active.room.server.connecting',
  waiting: 'active.room.media.ready active.room.call.waiting active.room.server.online',
  negotiating: 'active.room.media.ready active.room.call.inCall.negotiating active.room.server.online',
  connected: 'active.room.media.ready active.room.call.inCall.connected active.room.server.online',
} as const;

export const RECONNECTING = {
  connected: 'active.room.media.ready active.room.call.inCall.connected active.room.server.reconnecting',
  negotiating: 'active.room.media.ready active.room.call.inCall.negotiating active.room.server.reconnecting',
  waiting: 'active.room.media.ready active.room.call.waiting active.room.server.reconnecting',
} as const;

/** A peer machine's states. */
export const PEER = {
  negotiating: 'connection.negotiating',
  connected: 'connection.connected',
  interrupted: 'connection.interrupted',
  restarting: 'connection.restarting',
  failed: 'failed',
  unreachable: 'unreachable',
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
 * the `AsPolite` points are Bob's side, who joins while Alice is there. Either way the other
 * person is `FIRST`.
 */
export function callIn(point: CallPoint): Call {
  const call = startCall();
  call.send({ type: 'user.start' });
  if (point === 'capturing') return call;
  call.send({ type: 'media.ready' });
  if (point === 'joining') return call;
  if (point === 'negotiatingAsPolite' || point === 'connectedAsPolite' || point === 'restartingAsPolite') {
    call.send(welcome(BOB.peer_id, [ALICE]));
    if (point === 'negotiatingAsPolite') return call;
    call.peer(FIRST, { type: 'peer.connected' });
    if (point === 'connectedAsPolite') return call;
    call.peer(FIRST, { type: 'peer.failed' });
    return call;
  }
  call.send(welcome(ALICE.peer_id, []));
  if (point === 'waiting') return call;
  call.send({ type: 'signal.peerJoined', peer: BOB });
  if (point === 'negotiatingAsImpolite') return call;
  call.peer(FIRST, { type: 'peer.connected' });
  if (point === 'connected') return call;
  if (point === 'reconnecting') {
    call.send({ type: 'signal.disconnected' });
    return call;
  }
  call.peer(FIRST, { type: 'peer.disconnected' });
  if (point === 'interrupted') return call;
  call.peer(FIRST, { type: 'peer.failed' });
  return call;
}
