/**
 * The call, as a statechart. It only decides: the camera, the signaling socket and the peer
 * connection are actors supplied with `.provide()`, each owning its resource and releasing it
 * when the state that invoked it is left. So leaving `active` by any way out turns the camera
 * off, leaves the room and closes the peer connection, and every transition runs in Node.
 */
import { assign, fromCallback, sendTo, setup, type EventObject } from 'xstate';
import type { IceServerConfig, PeerInfo } from '../../shared/messages.js';
import type {
  CallEvent,
  PeerCommand,
  PeerInput,
  SignalingCommand,
  SignalingInput,
} from './events.js';

export interface CallInput {
  room: string;
  name?: string;
}

export interface CallContext {
  room: string;
  name: string | undefined;
  selfId: string | null;
  /** The person on the other end, once known. */
  remote: PeerInfo | null;
  polite: boolean;
  iceServers: IceServerConfig[];
  /** Why the call is in an error state, in words for the person using it. */
  problem: string | null;
  /** Whether the other person has left during this session (changes what "waiting" says). */
  peerLeft: boolean;
}

function notProvided<TEvent extends EventObject, TInput = void>(name: string) {
  return fromCallback<TEvent, TInput>(() => {
    throw new Error(`The ${name} actor must be supplied with callMachine.provide().`);
  });
}

export const callMachine = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
    input: {} as CallInput,
  },
  actors: {
    camera: notProvided<EventObject, unknown>('camera'),
    signaling: notProvided<SignalingCommand, SignalingInput>('signaling'),
    peerConnection: notProvided<PeerCommand, PeerInput>('peerConnection'),
  },
  actions: {
    // DOM effects, supplied by the page; the machine only says when.
    showSelfView: () => {},
    hideSelfView: () => {},
    showRemoteVideo: () => {},
    hideRemoteVideo: () => {},
  },
  guards: {
    othersAlreadyThere: ({ event }) => event.type === 'signal.welcome' && event.peers.length > 0,
    fromRemote: ({ context, event }) =>
      'from' in event && context.remote !== null && event.from === context.remote.peer_id,
    remoteLeft: ({ context, event }) =>
      event.type === 'signal.peerLeft' && context.remote?.peer_id === event.peerId,
  },
}).createMachine({
  id: 'call',
  initial: 'idle',
  context: ({ input }) => ({
    room: input.room,
    name: input.name,
    selfId: null,
    remote: null,
    polite: false,
    iceServers: [],
    problem: null,
    peerLeft: false,
  }),
  states: {
    idle: {
      on: { 'user.start': 'active' },
    },
    active: {
      // The camera stays on for as long as the person is in the call.
      invoke: { id: 'camera', src: 'camera' },
      entry: assign({ problem: null, selfId: null, remote: null, peerLeft: false }),
      exit: 'hideSelfView',
      on: { 'user.hangUp': '#call.ended' },
      initial: 'capturing',
      states: {
        capturing: {
          on: {
            'media.ready': { target: 'room', actions: 'showSelfView' },
            'media.denied': {
              target: '#call.mediaError.denied',
              actions: assign({ problem: ({ event }) => event.detail }),
            },
            'media.missing': {
              target: '#call.mediaError.missing',
              actions: assign({ problem: ({ event }) => event.detail }),
            },
            'media.failed': {
              target: '#call.mediaError.failed',
              actions: assign({ problem: ({ event }) => event.detail }),
            },
          },
        },
        room: {
          invoke: {
            id: 'signaling',
            src: 'signaling',
            input: ({ context }) =>
              context.name === undefined ? { room: context.room } : { room: context.room, name: context.name },
          },
          on: {
            'signal.roomFull': {
              target: '#call.roomFull',
              actions: assign({ problem: ({ event }) => event.message }),
            },
            'signal.lost': {
              target: '#call.signalingLost',
              actions: assign({ problem: ({ event }) => event.reason }),
            },
          },
          initial: 'joining',
          states: {
            joining: {
              on: {
                'signal.welcome': [
                  {
                    // The later joiner is the polite peer and makes the offer (PROTOCOL.md, Rooms).
                    guard: 'othersAlreadyThere',
                    target: 'call',
                    actions: assign({
                      selfId: ({ event }) => event.selfId,
                      iceServers: ({ event }) => event.iceServers,
                      remote: ({ event }) => event.peers[0] ?? null,
                      polite: true,
                    }),
                  },
                  {
                    target: 'waiting',
                    actions: assign({
                      selfId: ({ event }) => event.selfId,
                      iceServers: ({ event }) => event.iceServers,
                    }),
                  },
                ],
              },
            },
            waiting: {
              on: {
                'signal.peerJoined': {
                  target: 'call',
                  actions: assign({ remote: ({ event }) => event.peer, polite: false }),
                },
              },
            },
            call: {
              invoke: {
                id: 'peerConnection',
                src: 'peerConnection',
                input: ({ context }) => ({ polite: context.polite, iceServers: context.iceServers }),
              },
              exit: 'hideRemoteVideo',
              on: {
                'signal.peerLeft': {
                  guard: 'remoteLeft',
                  target: 'waiting',
                  actions: assign({ remote: null, peerLeft: true }),
                },
                'signal.description': {
                  guard: 'fromRemote',
                  actions: sendTo('peerConnection', ({ event }) => ({
                    type: 'remote.description',
                    description: event.description,
                  })),
                },
                'signal.candidate': {
                  guard: 'fromRemote',
                  actions: sendTo('peerConnection', ({ event }) => ({
                    type: 'remote.candidate',
                    candidate: event.candidate,
                  })),
                },
                'peer.description': {
                  actions: sendTo('signaling', ({ context, event }) => ({
                    type: 'send.description',
                    to: context.remote?.peer_id ?? '',
                    description: event.description,
                  })),
                },
                'peer.candidate': {
                  actions: sendTo('signaling', ({ context, event }) => ({
                    type: 'send.candidate',
                    to: context.remote?.peer_id ?? '',
                    candidate: event.candidate,
                  })),
                },
                'peer.track': { actions: 'showRemoteVideo' },
                'peer.failed': {
                  target: '#call.failed',
                  actions: assign({ problem: ({ event }) => event.detail }),
                },
              },
              initial: 'negotiating',
              states: {
                negotiating: {
                  on: { 'peer.connected': 'connected' },
                },
                connected: {
                  on: { 'peer.disconnected': 'interrupted' },
                },
                // ICE lost the path but has not given up; it often comes back by itself.
                interrupted: {
                  on: { 'peer.connected': 'connected' },
                },
              },
            },
          },
        },
      },
    },
    mediaError: {
      on: { 'user.retry': 'active' },
      initial: 'failed',
      states: {
        denied: {},
        missing: {},
        failed: {},
      },
    },
    roomFull: {
      on: { 'user.retry': 'active' },
    },
    signalingLost: {
      on: { 'user.retry': 'active' },
    },
    failed: {
      on: { 'user.retry': 'active' },
    },
    ended: {
      on: { 'user.start': 'active' },
    },
  },
});

export type CallMachine = typeof callMachine;
