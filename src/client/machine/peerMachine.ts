/**
 * The call with one other person, as a statechart: one peer machine per remote person, spawned
 * by the call machine when they are there and stopped when they leave. It owns the peer
 * connection with that person (an actor supplied with `.provide()`), its perfect-negotiation
 * role, its ICE restarts and rebuilds, and where its media is shown. What it would send the
 * other person, and how the connection is doing, it tells the call machine, which holds the
 * link to the server and knows where that person is.
 */
import { assign, enqueueActions, fromCallback, sendParent, sendTo, setup } from 'xstate';
import type { IceServerConfig, IceTransportPolicy, SessionDescription } from '../../shared/messages.js';
import type { MediaState } from '../../shared/peerMessages.js';
import { MEDIA_AT_START } from '../../shared/peerChannel.js';
import type { OutgoingMedia, PairEvent, PairStatus, PeerCommand, PeerInput, PeerMachineEvent } from './events.js';
import { explainUnreachable } from './explainUnreachable.js';

export interface PeerMachineInput {
  /** This person's name in the call (the machine's actor id): stays when their server id changes. */
  key: string;
  polite: boolean;
  iceServers: IceServerConfig[];
  iceTransportPolicy: IceTransportPolicy;
  mediaReady: boolean;
  /** What we send (microphone, camera, screen), to tell this person. */
  media: OutgoingMedia;
}

export interface PeerContext extends PeerMachineInput {
  /** What this person sends, as they told us; until they do, their microphone and camera count as on. */
  remoteMedia: MediaState;
  /** The code from both sides' certificate fingerprints (verificationCode.ts), once both descriptions are set. */
  verificationCode: string | null;
  /** The relay turned this connection away: without a direct path, it cannot get through. */
  relayRefused: boolean;
  /** The encryption failed on this connection (peer.encryptionFailed); its verdict is pending. */
  encryptionFailed: boolean;
  /** Whether this connection has been connected at all (a failure then is no verdict on the networks). */
  connectedOnce: boolean;
  /** A description from the other side that the next peer connection must start from. */
  pendingDescription: SessionDescription | null;
  /** Peer connections rebuilt since the last connected one; too many and this pair has failed. */
  rebuilds: number;
  problem: string | null;
}

/** How long ICE may stay disconnected before a restart, and how long a restart may take. */
export const PEER_TIMING = {
  iceGrace: 3_000,
  restartTimeout: 10_000,
  connectTimeout: 20_000,
  maxRebuilds: 3,
};

const CONNECTION = '#peer.connection';

/** Why the call could not be secured, with the code to compare when there is one. */
export function explainUntrusted(code: string | null): string {
  const compare =
    code === null
      ? 'Compare the codes on another channel'
      : `Your code was ${code}: ask the other person for theirs on another channel (a phone call, a message); if it differs, someone was in the middle. Compare them`;
  return `The call could not be secured: the other side answered with a certificate that is not the one its description named, so someone between you (the network, or the call server) may be interfering. ${compare}, or try from another network, then press Try again.`;
}

/** Tells the call machine how this connection is doing. */
const report = (status: PairStatus) =>
  sendParent<PeerContext, PeerMachineEvent, undefined, PairEvent, PeerMachineEvent>(({ context }) => ({
    type: 'pair.status',
    key: context.key,
    status,
    relayRefused: context.relayRefused,
    encryptionFailed: context.encryptionFailed,
    problem: status === 'failed' || status === 'unreachable' ? context.problem : null,
  }));

/** The encryption failed: noted, and told with the status of the state it happened in. */
const noteEncryptionFailed = (status: PairStatus) => ({
  actions: [assign<PeerContext, PeerMachineEvent, undefined, PeerMachineEvent, never>({ encryptionFailed: true }), report(status)],
});

export const peerMachine = setup({
  types: {
    context: {} as PeerContext,
    events: {} as PeerMachineEvent,
    input: {} as PeerMachineInput,
  },
  actors: {
    peerConnection: fromCallback<PeerCommand, PeerInput>(() => {
      throw new Error('The peerConnection actor must be supplied with peerMachine.provide().');
    }),
  },
  actions: {
    // Effects on the page, supplied by it: this person's tile shows or stops showing their media.
    showRemoteVideo: () => {},
    hideRemoteVideo: () => {},
    noteRelayRefused: assign({ relayRefused: true }),
    explainUnreachable: assign({ problem: ({ context }) => explainUnreachable(context) }),
    // The impolite peer restarts ICE; the polite one answers the offer that follows.
    askForIceRestart: enqueueActions(({ context, enqueue }) => {
      if (!context.polite) enqueue.sendTo('peerConnection', { type: 'restartIce' });
    }),
  },
  delays: {
    iceGrace: () => PEER_TIMING.iceGrace,
    restartTimeout: () => PEER_TIMING.restartTimeout,
    connectTimeout: () => PEER_TIMING.connectTimeout,
  },
  guards: {
    canRebuild: ({ context }) => context.rebuilds < PEER_TIMING.maxRebuilds,
    relayOnly: ({ context }) => context.iceTransportPolicy === 'relay',
    relayRefused: ({ context }) => context.relayRefused,
    /** Every candidate pair failed: final when the relay refused, or when this pair never connected. */
    noWayThrough: ({ context }) => context.relayRefused || !context.connectedOnce,
  },
}).createMachine({
  id: 'peer',
  initial: 'connection',
  context: ({ input }) => ({
    ...input,
    relayRefused: false,
    encryptionFailed: false,
    connectedOnce: false,
    pendingDescription: null,
    rebuilds: 0,
    problem: null,
    remoteMedia: MEDIA_AT_START,
    verificationCode: null,
  }),
  on: {
    // Kept whatever the state, so that a rebuilt connection starts from the latest.
    configure: {
      actions: assign({
        iceServers: ({ event }) => event.iceServers,
        iceTransportPolicy: ({ event }) => event.iceTransportPolicy,
      }),
    },
    'media.ready': { actions: assign({ mediaReady: true }) },
    'media.changed': { actions: assign({ media: ({ event }) => event.media }) },
  },
  states: {
    connection: {
      invoke: {
        id: 'peerConnection',
        src: 'peerConnection',
        input: ({ context }) => ({
          key: context.key,
          polite: context.polite,
          iceServers: context.iceServers,
          iceTransportPolicy: context.iceTransportPolicy,
          initialDescription: context.pendingDescription,
          mediaReady: context.mediaReady,
          media: context.media,
        }),
      },
      exit: 'hideRemoteVideo',
      on: {
        'remote.description': {
          actions: sendTo('peerConnection', ({ event }) => ({ type: 'remote.description' as const, description: event.description })),
        },
        'remote.candidate': {
          actions: sendTo('peerConnection', ({ event }) => ({ type: 'remote.candidate' as const, candidate: event.candidate })),
        },
        'peer.description': {
          actions: sendParent(({ context, event }): PairEvent => ({ type: 'pair.description', key: context.key, description: event.description })),
        },
        'peer.candidate': {
          actions: sendParent(({ context, event }): PairEvent => ({ type: 'pair.candidate', key: context.key, candidate: event.candidate })),
        },
        'peer.track': { actions: 'showRemoteVideo' },
        // The running connection takes fresh credentials too, so a long call never relays on expired ones.
        configure: {
          actions: [
            assign({ iceServers: ({ event }) => event.iceServers, iceTransportPolicy: ({ event }) => event.iceTransportPolicy }),
            sendTo('peerConnection', ({ event }) => ({
              type: 'configure' as const,
              iceServers: event.iceServers,
              iceTransportPolicy: event.iceTransportPolicy,
            })),
          ],
        },
        // The call started before the camera: its tracks join the connection now.
        'media.ready': { actions: [assign({ mediaReady: true }), sendTo('peerConnection', { type: 'addLocalMedia' })] },
        'media.changed': {
          actions: [
            assign({ media: ({ event }) => event.media }),
            sendTo('peerConnection', ({ event }) => ({ type: 'sendMedia' as const, media: event.media })),
          ],
        },
        'chat.send': { actions: sendTo('peerConnection', ({ event }) => ({ type: 'sendChat' as const, message: event.message })) },
        'peer.media': {
          actions: [
            assign({ remoteMedia: ({ event }) => event.media }),
            sendParent(({ context, event }): PairEvent => ({ type: 'pair.media', key: context.key, media: event.media })),
          ],
        },
        'peer.chat': { actions: sendParent(({ context, event }): PairEvent => ({ type: 'pair.chat', key: context.key, message: event.message })) },
        'peer.verification': {
          actions: [
            assign({ verificationCode: ({ event }) => event.code }),
            sendParent(({ context, event }): PairEvent => ({ type: 'pair.verification', key: context.key, code: event.code })),
          ],
        },
        // Trying again would meet the same certificate: this is no fault of the networks.
        'peer.untrusted': {
          target: '#peer.failed',
          actions: assign({ problem: ({ context }) => explainUntrusted(context.verificationCode) }),
        },
        // The other side started over (a reload, a rebuilt connection): so do we, from what it sent.
        'peer.rejected': [
          {
            guard: 'canRebuild',
            target: CONNECTION,
            reenter: true,
            actions: assign({
              pendingDescription: ({ event }) => (event.description.type === 'offer' ? event.description : null),
              rebuilds: ({ context }) => context.rebuilds + 1,
            }),
          },
          {
            target: '#peer.failed',
            actions: assign({ problem: 'The call could not be set up again with the other person. Press Try again.' }),
          },
        ],
      },
      initial: 'negotiating',
      states: {
        negotiating: {
          // Not on the connection's entry: that runs before the invoke reads its input, so the
          // new peer connection would never get the description it must start from.
          entry: [assign({ pendingDescription: null, encryptionFailed: false }), report('negotiating')],
          on: {
            'peer.connected': 'connected',
            // Without the relay and without a direct path, restarting cannot help; nor when
            // every candidate pair failed on a connection that never got through.
            'peer.failed': [{ guard: 'noWayThrough', target: '#peer.unreachable', actions: 'explainUnreachable' }, { target: 'restarting' }],
            // Said before the verdict, so the call machine holds on to this person if they leave now.
            'peer.encryptionFailed': noteEncryptionFailed('negotiating'),
            'peer.relayFailed': [
              { guard: 'relayOnly', target: '#peer.unreachable', actions: ['noteRelayRefused', 'explainUnreachable'] },
              // A direct path may still work: only when none does is the pair stuck.
              { actions: ['noteRelayRefused', report('negotiating')] },
            ],
          },
          after: {
            connectTimeout: [{ guard: 'relayRefused', target: '#peer.unreachable', actions: 'explainUnreachable' }, { target: 'restarting' }],
          },
        },
        connected: {
          entry: [assign({ rebuilds: 0, connectedOnce: true, encryptionFailed: false }), report('connected')],
          on: {
            'peer.disconnected': 'interrupted',
            'peer.failed': 'restarting',
            // Chromium may say connected a moment before the other side's alert fails it.
            'peer.encryptionFailed': noteEncryptionFailed('connected'),
          },
        },
        // ICE lost the path but has not given up; it often comes back by itself.
        interrupted: {
          entry: report('interrupted'),
          on: {
            'peer.connected': 'connected',
            'peer.failed': 'restarting',
          },
          after: { iceGrace: 'restarting' },
        },
        // An ICE restart: the impolite peer asks for it, the polite one answers.
        restarting: {
          entry: [
            'askForIceRestart',
            sendParent(({ context }): PairEvent => ({ type: 'pair.refresh', key: context.key })),
            report('restarting'),
          ],
          on: {
            'peer.connected': 'connected',
            // Candidates sent while the server was away may be lost: ask again.
            'remote.back': { actions: 'askForIceRestart' },
          },
          after: {
            restartTimeout: [
              {
                guard: 'canRebuild',
                target: CONNECTION,
                reenter: true,
                actions: assign({ rebuilds: ({ context }) => context.rebuilds + 1 }),
              },
              {
                target: '#peer.failed',
                actions: assign({ problem: 'The connection to the other person could not be restored. Check both networks, then press Try again.' }),
              },
            ],
          },
        },
      },
    },
    // Given up: the call machine decides what that means for the call.
    failed: { entry: report('failed') },
    // No path between the two: neither direct nor through the relay.
    unreachable: { entry: report('unreachable') },
  },
});

export type PeerMachine = typeof peerMachine;
