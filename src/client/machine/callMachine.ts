/**
 * The call, as a statechart. It only decides: the camera, the signaling socket and the peer
 * connection are actors supplied with `.provide()`, each owning its resource and releasing it
 * when the state that invoked it is left. So leaving `active` by any way out turns the camera
 * off, leaves the room and closes the peer connection, and every transition runs in Node.
 *
 * In the room three things go on at once (parallel regions): the camera starting, the link to
 * the server, which may drop and come back, and the call with the other person, which goes on
 * peer to peer meanwhile. So the socket opens and joins while the camera starts, and a call
 * that begins before the camera is on takes its tracks when they come.
 */
import { assign, enqueueActions, fromCallback, sendTo, setup, type EventObject } from 'xstate';
import type { IceServerConfig, IceTransportPolicy, PeerInfo, SessionDescription } from '../../shared/messages.js';
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
  /** The person on the other end; null while they are away (e.g. not yet back after a server restart). */
  remote: PeerInfo | null;
  polite: boolean;
  iceServers: IceServerConfig[];
  iceTransportPolicy: IceTransportPolicy;
  /** The relay turned this call away: without a direct path, the call cannot get through. */
  relayRefused: boolean;
  /** Whether the call with this person has been connected at all (a failure then is no verdict on the networks). */
  connectedOnce: boolean;
  /** Why the call is in an error state, in words for the person using it. */
  problem: string | null;
  /** Whether the other person has left during this session (changes what "waiting" says). */
  peerLeft: boolean;
  /** Whether the camera and microphone are on, so a new peer connection can send them at once. */
  mediaReady: boolean;
  /** A description from the other side that the next peer connection must start from. */
  pendingDescription: SessionDescription | null;
  /** Peer connections rebuilt since the call was last connected; too many and the call has failed. */
  rebuilds: number;
}

/** How long ICE may stay disconnected before a restart, and how long a restart may take. */
export const TIMING = {
  iceGrace: 3_000,
  restartTimeout: 10_000,
  connectTimeout: 20_000,
  maxRebuilds: 3,
};

function notProvided<TEvent extends EventObject, TInput = void>(name: string) {
  return fromCallback<TEvent, TInput>(() => {
    throw new Error(`The ${name} actor must be supplied with callMachine.provide().`);
  });
}

const IN_CALL = '#call.active.room.call.inCall';

/** As the newcomer we are the polite peer (PROTOCOL.md, Rooms): a new peer connection offers. */
const startOverAsNewcomer = {
  guard: 'seatLost',
  target: IN_CALL,
  reenter: true,
  actions: ['noteSelfId', { type: 'becomeNewcomer' }],
} as const;

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
    // Effects on the page, supplied by it; the machine only says when.
    showSelfView: () => {},
    hideSelfView: () => {},
    showRemoteVideo: () => {},
    hideRemoteVideo: () => {},
    /** The person is in the call: a reload of the page brings them back into it. */
    rememberCall: () => {},
    /** The person hung up: a reload must not bring them back into this call. */
    forgetCall: () => {},
    // After a reconnect the server's WELCOME says who is in the room now.
    noteSelfId: assign({
      selfId: ({ context, event }) => (event.type === 'signal.welcome' ? event.selfId : context.selfId),
      iceServers: ({ context, event }) => (event.type === 'signal.welcome' ? event.iceServers : context.iceServers),
      iceTransportPolicy: ({ context, event }) => (event.type === 'signal.welcome' ? event.iceTransportPolicy : context.iceTransportPolicy),
    }),
    /** The running peer connection takes the fresh credentials, so a long call never relays on expired ones. */
    configurePeer: sendTo('peerConnection', ({ context }) => ({
      type: 'configure' as const,
      iceServers: context.iceServers,
      iceTransportPolicy: context.iceTransportPolicy,
    })),
    noteRelayRefused: assign({ relayRefused: true }),
    explainUnreachable: assign({
      problem: ({ context }) => {
        if (context.relayRefused && context.iceTransportPolicy === 'relay') {
          return 'The call cannot get through: this call server sends every call through a relay (TURN), and the relay refused it. Tell whoever runs the call server that the relay does not accept its credentials, then press Try again.';
        }
        if (context.relayRefused) {
          return 'The call cannot get through: your two networks allow no direct connection, and the relay (TURN) that would carry the call refused it. Tell whoever runs the call server that the relay does not accept its credentials, or try from another network; then press Try again.';
        }
        const relayed = context.iceServers.some((server) => [server.urls].flat().some((url) => /^turns?:/.test(url)));
        return relayed
          ? 'The call cannot get through: no connection between your two networks worked, not even through the relay (TURN). One of the networks may block it (it needs UDP, or TCP to the relay); try from another network, then press Try again.'
          : 'The call cannot get through: your two networks allow no direct connection, and this call server has no relay (TURN) to carry the call. Tell whoever runs it to set one up (TURN_URLS), or try from another network; then press Try again.';
      },
    }),
    /** The server forgot us (it restarted): the other person is back under a new id. */
    rebindToFirstPeer: assign({
      remote: ({ context, event }) => (event.type === 'signal.welcome' ? (event.peers[0] ?? null) : context.remote),
    }),
    rebindToNewcomer: assign({
      remote: ({ context, event }) => (event.type === 'signal.peerJoined' ? event.peer : context.remote),
    }),
    markRemoteAway: assign({ remote: null }),
    becomeNewcomer: assign({ polite: true, pendingDescription: null }),
    // The impolite peer restarts ICE; the polite one answers the offer that follows.
    askForIceRestart: enqueueActions(({ context, enqueue }) => {
      if (!context.polite) enqueue.sendTo('peerConnection', { type: 'restartIce' });
    }),
  },
  delays: {
    iceGrace: () => TIMING.iceGrace,
    restartTimeout: () => TIMING.restartTimeout,
    connectTimeout: () => TIMING.connectTimeout,
  },
  guards: {
    othersAlreadyThere: ({ event }) => event.type === 'signal.welcome' && event.peers.length > 0,
    remoteStillThere: ({ context, event }) =>
      event.type === 'signal.welcome' && event.peers.some((peer) => peer.peer_id === context.remote?.peer_id),
    /**
     * We came back with a new seat while the other person kept theirs: they saw us leave and
     * join again, so they start a fresh call with us as the newcomer.
     */
    seatLost: ({ context, event }) =>
      event.type === 'signal.welcome' &&
      event.selfId !== context.selfId &&
      event.peers.some((peer) => peer.peer_id === context.remote?.peer_id),
    remoteAway: ({ context }) => context.remote === null,
    remoteKnown: ({ context }) => context.remote !== null,
    fromRemote: ({ context, event }) =>
      'from' in event && context.remote !== null && event.from === context.remote.peer_id,
    remoteLeft: ({ context, event }) =>
      event.type === 'signal.peerLeft' && context.remote?.peer_id === event.peerId,
    canRebuild: ({ context }) => context.rebuilds < TIMING.maxRebuilds,
    relayOnly: ({ context }) => context.iceTransportPolicy === 'relay',
    relayRefused: ({ context }) => context.relayRefused,
    /** Every candidate pair failed: final when the relay refused, or when this call never connected. */
    noWayThrough: ({ context }) => context.relayRefused || !context.connectedOnce,
    remoteGaveUp: ({ context, event }) =>
      context.relayRefused && event.type === 'signal.peerLeft' && context.remote?.peer_id === event.peerId,
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
    iceTransportPolicy: 'all',
    relayRefused: false,
    connectedOnce: false,
    problem: null,
    peerLeft: false,
    mediaReady: false,
    pendingDescription: null,
    rebuilds: 0,
  }),
  states: {
    idle: {
      on: { 'user.start': 'active' },
    },
    active: {
      // The camera stays on for as long as the person is in the call.
      invoke: { id: 'camera', src: 'camera' },
      entry: [
        assign({ problem: null, selfId: null, remote: null, peerLeft: false, mediaReady: false, pendingDescription: null, rebuilds: 0, relayRefused: false, connectedOnce: false }),
        'rememberCall',
      ],
      exit: 'hideSelfView',
      on: { 'user.hangUp': { target: '#call.ended', actions: 'forgetCall' } },
      initial: 'room',
      states: {
        room: {
          type: 'parallel',
          invoke: {
            id: 'signaling',
            src: 'signaling',
            input: ({ context }) =>
              context.name === undefined ? { room: context.room } : { room: context.room, name: context.name },
          },
          on: {
            'signal.roomFull': {
              target: '#call.roomFull',
              actions: [assign({ problem: ({ event }) => event.message }), 'forgetCall'],
            },
            'signal.lost': {
              target: '#call.signalingLost',
              actions: assign({ problem: ({ event }) => event.reason }),
            },
          },
          states: {
            // The camera starts while the socket opens and joins: neither waits for the other.
            media: {
              initial: 'capturing',
              states: {
                capturing: {
                  on: {
                    'media.ready': { target: 'ready', actions: ['showSelfView', assign({ mediaReady: true })] },
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
                ready: {},
              },
            },
            call: {
              initial: 'joining',
              states: {
                joining: {
                  on: {
                    'signal.welcome': [
                      {
                        // The later joiner is the polite peer and makes the offer (PROTOCOL.md, Rooms).
                        guard: 'othersAlreadyThere',
                        target: 'inCall',
                        actions: assign({
                          selfId: ({ event }) => event.selfId,
                          iceServers: ({ event }) => event.iceServers,
                          iceTransportPolicy: ({ event }) => event.iceTransportPolicy,
                          remote: ({ event }) => event.peers[0] ?? null,
                          polite: true,
                        }),
                      },
                      {
                        target: 'waiting',
                        actions: assign({
                          selfId: ({ event }) => event.selfId,
                          iceServers: ({ event }) => event.iceServers,
                          iceTransportPolicy: ({ event }) => event.iceTransportPolicy,
                        }),
                      },
                    ],
                  },
                },
                waiting: {
                  on: {
                    'signal.peerJoined': {
                      target: 'inCall',
                      actions: assign({ remote: ({ event }) => event.peer, polite: false }),
                    },
                    // Back after a reconnect, and someone came in meanwhile: call them.
                    'signal.welcome': [
                      {
                        guard: 'othersAlreadyThere',
                        target: 'inCall',
                        actions: ['noteSelfId', 'rebindToFirstPeer', assign({ polite: true })],
                      },
                      { actions: 'noteSelfId' },
                    ],
                  },
                },
                inCall: {
                  invoke: {
                    id: 'peerConnection',
                    src: 'peerConnection',
                    input: ({ context }) => ({
                      polite: context.polite,
                      iceServers: context.iceServers,
                      iceTransportPolicy: context.iceTransportPolicy,
                      initialDescription: context.pendingDescription,
                      mediaReady: context.mediaReady,
                    }),
                  },
                  exit: 'hideRemoteVideo',
                  on: {
                    'signal.peerLeft': {
                      guard: 'remoteLeft',
                      target: 'waiting',
                      actions: assign({ remote: null, peerLeft: true, connectedOnce: false }),
                    },
                    'signal.welcome': [
                      startOverAsNewcomer,
                      // A resumed seat: the same call, nothing to change.
                      { guard: 'remoteStillThere', actions: ['noteSelfId', 'configurePeer'] },
                      // The media never stopped while the server was away, so the same peer
                      // connection carries on with the other person under their new id.
                      { guard: 'othersAlreadyThere', actions: ['noteSelfId', 'configurePeer', 'rebindToFirstPeer'] },
                      { actions: ['noteSelfId', 'configurePeer', 'markRemoteAway'] },
                    ],
                    'signal.peerJoined': { guard: 'remoteAway', actions: 'rebindToNewcomer' },
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
                      guard: 'remoteKnown',
                      actions: sendTo('signaling', ({ context, event }) => ({
                        type: 'send.description',
                        to: context.remote?.peer_id ?? '',
                        description: event.description,
                      })),
                    },
                    'peer.candidate': {
                      guard: 'remoteKnown',
                      actions: sendTo('signaling', ({ context, event }) => ({
                        type: 'send.candidate',
                        to: context.remote?.peer_id ?? '',
                        candidate: event.candidate,
                      })),
                    },
                    'peer.track': { actions: 'showRemoteVideo' },
                    // The call started before the camera: its tracks join the connection now.
                    'media.ready': { actions: sendTo('peerConnection', { type: 'addLocalMedia' }) },
                    // The other side started over (a reload, a rebuilt connection): so do we,
                    // from the description it sent.
                    'peer.rejected': [
                      {
                        guard: 'canRebuild',
                        target: IN_CALL,
                        reenter: true,
                        actions: assign({
                          pendingDescription: ({ event }) => (event.description.type === 'offer' ? event.description : null),
                          rebuilds: ({ context }) => context.rebuilds + 1,
                        }),
                      },
                      {
                        target: '#call.failed',
                        actions: assign({
                          problem: 'The call could not be set up again with the other person. Press Try again.',
                        }),
                      },
                    ],
                  },
                  initial: 'negotiating',
                  states: {
                    negotiating: {
                      // Not on inCall's entry: that runs before the invoke reads its input, so the
                      // new peer connection would never get the description it must start from.
                      entry: assign({ pendingDescription: null }),
                      on: {
                        'peer.connected': 'connected',
                        // The other side found the call cannot get through, and gave up first.
                        'signal.peerLeft': { guard: 'remoteGaveUp', target: '#call.unreachable', actions: 'explainUnreachable' },
                        // Without the relay and without a direct path, restarting cannot help; nor
                        // when every candidate pair failed on a call that never got through.
                        'peer.failed': [
                          { guard: 'noWayThrough', target: '#call.unreachable', actions: 'explainUnreachable' },
                          { target: 'restarting' },
                        ],
                        'peer.relayFailed': [
                          { guard: 'relayOnly', target: '#call.unreachable', actions: ['noteRelayRefused', 'explainUnreachable'] },
                          // A direct path may still work: only when none does is the call stuck.
                          { actions: 'noteRelayRefused' },
                        ],
                      },
                      after: {
                        connectTimeout: [{ guard: 'relayRefused', target: '#call.unreachable', actions: 'explainUnreachable' }, { target: 'restarting' }],
                      },
                    },
                    connected: {
                      entry: assign({ rebuilds: 0, connectedOnce: true }),
                      on: {
                        'peer.disconnected': 'interrupted',
                        'peer.failed': 'restarting',
                      },
                    },
                    // ICE lost the path but has not given up; it often comes back by itself.
                    interrupted: {
                      on: {
                        'peer.connected': 'connected',
                        'peer.failed': 'restarting',
                      },
                      after: { iceGrace: 'restarting' },
                    },
                    // An ICE restart: the impolite peer asks for it, the polite one answers.
                    restarting: {
                      entry: ['askForIceRestart', sendTo('signaling', { type: 'refresh' })],
                      on: {
                        'peer.connected': 'connected',
                        // Candidates sent while the server was away may be lost: ask again. These
                        // shadow inCall's handlers, so they rebind the other person the same way first.
                        'signal.welcome': [
                          startOverAsNewcomer,
                          { guard: 'remoteStillThere', actions: ['noteSelfId', 'configurePeer', 'askForIceRestart'] },
                          { guard: 'othersAlreadyThere', actions: ['noteSelfId', 'configurePeer', 'rebindToFirstPeer', 'askForIceRestart'] },
                          // Nobody to restart with yet: ask when they come back.
                          { actions: ['noteSelfId', 'configurePeer', 'markRemoteAway'] },
                        ],
                        'signal.peerJoined': { guard: 'remoteAway', actions: ['rebindToNewcomer', 'askForIceRestart'] },
                      },
                      after: {
                        restartTimeout: [
                          {
                            guard: 'canRebuild',
                            target: IN_CALL,
                            reenter: true,
                            actions: assign({ rebuilds: ({ context }) => context.rebuilds + 1 }),
                          },
                          {
                            target: '#call.failed',
                            actions: assign({
                              problem:
                                'The connection to the other person could not be restored. Check both networks, then press Try again.',
                            }),
                          },
                        ],
                      },
                    },
                  },
                },
              },
            },
            // The link to the server. While it is down the call goes on; messages wait.
            server: {
              initial: 'connecting',
              states: {
                connecting: { on: { 'signal.welcome': 'online' } },
                online: { on: { 'signal.disconnected': 'reconnecting' } },
                reconnecting: { on: { 'signal.welcome': 'online' } },
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
    // No path between the two people: neither direct nor through the relay.
    unreachable: {
      on: { 'user.retry': 'active' },
    },
    ended: {
      on: { 'user.start': 'active' },
    },
  },
});

export type CallMachine = typeof callMachine;
