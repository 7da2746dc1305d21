/**
 * The call, as a statechart. It only decides: the camera and the signaling socket are actors
 * supplied with `.provide()`, each owning its resource and releasing it when the state that
 * invoked it is left, so leaving `active` by any way out turns the camera off and leaves the
 * room. Each remote person has a peer machine of their own (peerMachine.ts), spawned when they
 * are there and stopped when they go; this machine holds what they share: the camera, the link
 * to the server, and who is in the room (roster.ts).
 *
 * In the room three things go on at once (parallel regions): the camera starting, the link to
 * the server, which may drop and come back, and the call with the others, which goes on peer to
 * peer meanwhile. So the socket opens and joins while the camera starts, and a call that begins
 * before the camera is on takes its tracks when they come.
 */
import { assign, enqueueActions, fromCallback, setup, type EventObject } from 'xstate';
import type { IceServerConfig, IceTransportPolicy } from '../../shared/messages.js';
import type { CallEvent, OutgoingMedia, PairCommand, SignalingCommand, SignalingInput } from './events.js';
import { INITIAL_MEDIA, localMediaMachine } from './localMediaMachine.js';
import { explainUnreachable } from './explainUnreachable.js';
import { peerMachine, type PeerMachineInput } from './peerMachine.js';
import {
  afterJoined,
  afterLeft,
  afterVerdict,
  afterWelcome,
  gaveUp,
  live,
  withoutAway,
  withPerson,
  withStatus,
  type Person,
  type RosterChange,
  type StatusReport,
} from './roster.js';

export interface CallInput {
  room: string;
  name?: string;
}

export interface CallContext {
  room: string;
  name: string | undefined;
  selfId: string | null;
  /** The others in the call, in the order they came; each has a peer machine under their `key`. */
  people: Person[];
  nextKey: number;
  iceServers: IceServerConfig[];
  iceTransportPolicy: IceTransportPolicy;
  /** Why the call is in an error state, in words for the person using it. */
  problem: string | null;
  /** Whether someone has left during this session (changes what "waiting" says). */
  peerLeft: boolean;
  /** Whether the camera and microphone are on, so a new peer connection can send them at once. */
  mediaReady: boolean;
  /** What we send (microphone, camera, screen), as the local media machine last said. */
  localMedia: OutgoingMedia;
  /** Something about our devices the person should know (a headset pulled out). */
  mediaNote: string | null;
  /** The call's chat, oldest first; kept for the call only. */
  chat: ChatLine[];
}

export interface ChatLine {
  id: string;
  /** Who wrote it: a person's key, or null for us. */
  key: string | null;
  name: string;
  text: string;
  sentAt: number;
}

/** The chat keeps this many lines; older ones go. */
export const CHAT_LIMIT = 500;

/** How long a person the server forgot (it restarted) may take to come back before they count as gone. */
export const CALL_TIMING = {
  awayGrace: 20_000,
};

function notProvided<TEvent extends EventObject, TInput = void>(name: string) {
  return fromCallback<TEvent, TInput>(() => {
    throw new Error(`The ${name} actor must be supplied with callMachine.provide().`);
  });
}


const personWithPeerId = (context: CallContext, peerId: string) => context.people.find((person) => person.peerId === peerId);
const personWithKey = (context: CallContext, key: string) => context.people.find((person) => person.key === key);
/** Whether nobody but `key` is left whose connection still tries. */
const onlyLiveOne = (context: CallContext, key: string) => live(context.people).every((person) => person.key === key);

/** The last connection still trying gave up in this way: the call is over. */
const lastGaveUp = (context: CallContext, event: CallEvent, as: 'failed' | 'unreachable') =>
  event.type === 'pair.status' && event.status === as && personWithKey(context, event.key) !== undefined && onlyLiveOne(context, event.key);

const statusReport = ({ status, relayRefused, encryptionFailed, problem }: Extract<CallEvent, { type: 'pair.status' }>): StatusReport => ({
  status,
  relayRefused,
  encryptionFailed,
  problem,
});

/** What a change of the roster asks of the peer machines. */
type RosterStep =
  | { kind: 'stop'; key: string }
  | { kind: 'spawn'; key: string; input: PeerMachineInput }
  | { kind: 'back'; key: string };

function rosterSteps(facts: CallContext, change: RosterChange): RosterStep[] {
  return [
    ...change.removed.map((key): RosterStep => ({ kind: 'stop', key })),
    ...change.spawned.map(
      (person): RosterStep => ({
        kind: 'spawn',
        key: person.key,
        input: {
          key: person.key,
          polite: person.polite,
          iceServers: facts.iceServers,
          iceTransportPolicy: facts.iceTransportPolicy,
          mediaReady: facts.mediaReady,
          media: facts.localMedia,
        },
      }),
    ),
    ...change.back.map((key): RosterStep => ({ kind: 'back', key })),
  ];
}

export const callMachine = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
    input: {} as CallInput,
  },
  actors: {
    media: localMediaMachine,
    signaling: notProvided<SignalingCommand, SignalingInput>('signaling'),
    peer: peerMachine,
  },
  actions: {
    // Effects on the page, supplied by it; the machine only says when.
    showSelfView: () => {},
    hideSelfView: () => {},
    /** The person is in the call: a reload of the page brings them back into it. */
    rememberCall: () => {},
    /** The person hung up: a reload must not bring them back into this call. */
    forgetCall: () => {},
    /**
     * What the server said about who is there (or, with `forgetAway`, that the away people are
     * gone): the new roster, and the peer machines it starts, stops and tells.
     */
    updateRoster: enqueueActions(({ context, event, enqueue }) => {
      let change: RosterChange;
      let facts = context;
      if (event.type === 'signal.welcome') {
        change = afterWelcome(context, context.selfId, event.selfId, event.peers);
        facts = { ...context, iceServers: event.iceServers, iceTransportPolicy: event.iceTransportPolicy };
        enqueue.assign({ selfId: event.selfId, iceServers: event.iceServers, iceTransportPolicy: event.iceTransportPolicy });
        // Everyone already there takes the fresh credentials, so a long call never relays on expired ones.
        const configure: PairCommand = { type: 'configure', iceServers: event.iceServers, iceTransportPolicy: event.iceTransportPolicy };
        for (const person of change.people) {
          if (!change.spawned.includes(person)) enqueue.sendTo(person.key, configure);
        }
      } else if (event.type === 'signal.peerJoined') change = afterJoined(context, event.peer);
      else if (event.type === 'signal.peerLeft') {
        change = afterLeft(context, event.peerId);
        enqueue.assign({ peerLeft: true });
      } else return;
      enqueue.assign({ people: change.people, nextKey: change.nextKey });
      for (const step of rosterSteps(facts, change)) {
        if (step.kind === 'stop') enqueue.stopChild(step.key);
        else if (step.kind === 'spawn') enqueue.spawnChild('peer', { id: step.key, input: step.input });
        else enqueue.sendTo(step.key, { type: 'remote.back' });
      }
    }),
    forgetAway: enqueueActions(({ context, enqueue }) => {
      const gone = withoutAway(context);
      enqueue.assign({ people: gone.people, nextKey: gone.nextKey });
      for (const step of rosterSteps(context, gone)) {
        if (step.kind === 'stop') enqueue.stopChild(step.key);
        else if (step.kind === 'spawn') enqueue.spawnChild('peer', { id: step.key, input: step.input });
        else enqueue.sendTo(step.key, { type: 'remote.back' });
      }
    }),
    // They left while their pair's verdict was pending: they go once it comes (dropLeaver).
    holdLeaver: assign(({ context, event }) => {
      const person = event.type === 'signal.peerLeft' ? personWithPeerId(context, event.peerId) : undefined;
      return person ? withPerson(context, person.key, { leaving: true }) : {};
    }),
    dropLeaver: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'pair.status') return;
      const change = afterVerdict(context, event.key);
      enqueue.assign({ people: change.people, nextKey: change.nextKey, peerLeft: true });
      for (const key of change.removed) enqueue.stopChild(key);
    }),
    stopEveryone: enqueueActions(({ context, enqueue }) => {
      for (const person of context.people) enqueue.stopChild(person.key);
      enqueue.assign({ people: [] });
    }),
    noteStatus: assign(({ context, event }) =>
      event.type === 'pair.status' ? withStatus(context, event.key, statusReport(event)) : {},
    ),
    forwardToPerson: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'signal.description' && event.type !== 'signal.candidate') return;
      const person = personWithPeerId(context, event.from);
      if (!person) return;
      enqueue.sendTo(
        person.key,
        event.type === 'signal.description'
          ? { type: 'remote.description', description: event.description }
          : { type: 'remote.candidate', candidate: event.candidate },
      );
    }),
    sendToServer: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'pair.description' && event.type !== 'pair.candidate') return;
      // Away (the server forgot them): nothing can reach them until they are back.
      const to = personWithKey(context, event.key)?.peerId;
      if (!to) return;
      enqueue.sendTo(
        'signaling',
        event.type === 'pair.description'
          ? { type: 'send.description', to, description: event.description }
          : { type: 'send.candidate', to, candidate: event.candidate },
      );
    }),
    refreshLink: enqueueActions(({ enqueue }) => enqueue.sendTo('signaling', { type: 'refresh' })),
    sendMediaToEveryone: enqueueActions(({ context, enqueue }) => {
      for (const person of context.people) enqueue.sendTo(person.key, { type: 'media.ready' });
    }),
    takeName: assign({ name: ({ context, event }) => (event.type === 'user.start' && event.name !== undefined ? event.name : context.name) }),
    noteMedia: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'media.changed') return;
      enqueue.assign({ localMedia: event.media });
      for (const person of context.people) enqueue.sendTo(person.key, { type: 'media.changed', media: event.media });
    }),
    sendChat: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'user.sendChat') return;
      const text = event.text.trim().slice(0, 2_000);
      const line: ChatLine = { id: event.id, key: null, name: context.name ?? 'You', text, sentAt: event.sentAt };
      enqueue.assign({ chat: [...context.chat, line].slice(-CHAT_LIMIT) });
      const message = { type: 'chat' as const, id: event.id, text, sent_at: event.sentAt };
      for (const person of context.people) enqueue.sendTo(person.key, { type: 'chat.send', message });
    }),
    takeChat: assign({
      chat: ({ context, event }) => {
        if (event.type !== 'pair.chat') return context.chat;
        const person = personWithKey(context, event.key);
        if (!person || context.chat.some((line) => line.key === event.key && line.id === event.message.id)) return context.chat;
        const line: ChatLine = { id: event.message.id, key: event.key, name: person.name, text: event.message.text, sentAt: event.message.sent_at };
        return [...context.chat, line].slice(-CHAT_LIMIT);
      },
    }),
    takeRemoteMedia: assign(({ context, event }) => (event.type === 'pair.media' ? withPerson(context, event.key, { media: event.media }) : {})),
    takeVerification: assign(({ context, event }) =>
      event.type === 'pair.verification' ? withPerson(context, event.key, { verificationCode: event.code }) : {},
    ),
    forwardToMedia: enqueueActions(({ event, enqueue }) => {
      switch (event.type) {
        case 'user.toggleMicrophone':
        case 'user.toggleCamera':
        case 'user.toggleScreen':
        case 'user.toggleScreenBeside':
        case 'user.chooseDevice':
          enqueue.sendTo('media', event);
      }
    }),
    takeProblem: assign({ problem: ({ event }) => (event.type === 'pair.status' ? event.problem : null) }),
  },
  delays: {
    awayGrace: () => CALL_TIMING.awayGrace,
  },
  guards: {
    someoneThere: ({ context }) => context.people.length > 0,
    nobodyElseConnected: ({ context, event }) =>
      event.type === 'pair.refresh' && !context.people.some((person) => person.key !== event.key && person.status === 'connected'),
    saysSomething: ({ event }) => event.type === 'user.sendChat' && event.text.trim() !== '',
    nobodyThere: ({ context }) => context.people.length === 0,
    someoneAway: ({ context }) => context.people.some((person) => person.peerId === null),
    /** Every connection that still tries is connected (and there is at least one). */
    everyoneConnected: ({ context }) => {
      const trying = live(context.people);
      return trying.length > 0 && trying.every((person) => person.status === 'connected');
    },
    notEveryoneConnected: ({ context }) => {
      const trying = live(context.people);
      return trying.length === 0 || trying.some((person) => person.status !== 'connected');
    },
    /** The last connection still trying gave up in this way: the call is over. */
    lastGaveUpUnreachable: ({ context, event }) => lastGaveUp(context, event, 'unreachable'),
    lastGaveUpFailed: ({ context, event }) => lastGaveUp(context, event, 'failed'),
    /** Someone left while the encryption with them had failed and its verdict (with the code) was pending. */
    verdictPending: ({ context, event }) => {
      if (event.type !== 'signal.peerLeft') return false;
      const person = personWithPeerId(context, event.peerId);
      return person !== undefined && person.encryptionFailed && !gaveUp(person.status);
    },
    /** The verdict on the pair of someone who left before it came. */
    leaverGaveUp: ({ context, event }) =>
      event.type === 'pair.status' && gaveUp(event.status) && personWithKey(context, event.key)?.leaving === true,
    /**
     * The only person still connecting left after the relay had refused us: their side found
     * the call cannot get through, and gave up first.
     */
    lastGaveUpFirst: ({ context, event }) => {
      if (event.type !== 'signal.peerLeft') return false;
      const person = personWithPeerId(context, event.peerId);
      return person !== undefined && person.relayRefused && person.status === 'negotiating' && onlyLiveOne(context, person.key);
    },
  },
}).createMachine({
  id: 'call',
  initial: 'idle',
  context: ({ input }) => ({
    room: input.room,
    name: input.name,
    selfId: null,
    people: [],
    nextKey: 1,
    iceServers: [],
    iceTransportPolicy: 'all',
    problem: null,
    peerLeft: false,
    mediaReady: false,
    localMedia: INITIAL_MEDIA,
    mediaNote: null,
    chat: [],
  }),
  states: {
    idle: {
      on: { 'user.start': { target: 'active', actions: 'takeName' } },
    },
    active: {
      // The camera stays on for as long as the person is in the call.
      invoke: { id: 'media', src: 'media' },
      entry: [
        assign({ problem: null, selfId: null, people: [], peerLeft: false, mediaReady: false, localMedia: INITIAL_MEDIA, mediaNote: null, chat: [] }),
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
            'media.changed': { actions: 'noteMedia' },
            'media.note': { actions: assign({ mediaNote: ({ event }) => event.text }) },
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
                // What the person does with their microphone, camera and screen goes to the local media machine.
                ready: {
                  on: {
                    'user.toggleMicrophone': { actions: 'forwardToMedia' },
                    'user.toggleCamera': { actions: 'forwardToMedia' },
                    'user.toggleScreen': { actions: 'forwardToMedia' },
                    'user.toggleScreenBeside': { actions: 'forwardToMedia' },
                    'user.chooseDevice': { actions: 'forwardToMedia' },
                  },
                },
              },
            },
            call: {
              initial: 'joining',
              states: {
                joining: {
                  on: { 'signal.welcome': { target: 'waiting', actions: 'updateRoster' } },
                },
                waiting: {
                  always: { guard: 'someoneThere', target: 'inCall' },
                  on: {
                    'signal.peerJoined': { actions: 'updateRoster' },
                    // Back after a reconnect, and someone came in meanwhile: call them.
                    'signal.welcome': { actions: 'updateRoster' },
                  },
                },
                inCall: {
                  always: { guard: 'nobodyThere', target: 'waiting' },
                  // Spawned peer machines outlive states: whichever way the call ends, they stop.
                  exit: 'stopEveryone',
                  on: {
                    'signal.welcome': { actions: 'updateRoster' },
                    'signal.peerJoined': { actions: 'updateRoster' },
                    'signal.peerLeft': [
                      {
                        guard: 'lastGaveUpFirst',
                        target: '#call.unreachable',
                        actions: assign({
                          problem: ({ context }) => explainUnreachable({ ...context, relayRefused: true }),
                        }),
                      },
                      // Their side failed too and left at once; ours still derives the code to show.
                      { guard: 'verdictPending', actions: 'holdLeaver' },
                      { actions: 'updateRoster' },
                    ],
                    'signal.description': { actions: 'forwardToPerson' },
                    'signal.candidate': { actions: 'forwardToPerson' },
                    'pair.description': { actions: 'sendToServer' },
                    'pair.candidate': { actions: 'sendToServer' },
                    // A dead media path with everyone means our network changed: renew the link to
                    // the server too. With one person of several it is more likely theirs.
                    'pair.refresh': { guard: 'nobodyElseConnected', actions: 'refreshLink' },
                    'pair.status': [
                      { guard: 'lastGaveUpUnreachable', target: '#call.unreachable', actions: 'takeProblem' },
                      { guard: 'lastGaveUpFailed', target: '#call.failed', actions: 'takeProblem' },
                      { guard: 'leaverGaveUp', actions: 'dropLeaver' },
                      { actions: 'noteStatus' },
                    ],
                    'media.ready': { actions: 'sendMediaToEveryone' },
                    'pair.media': { actions: 'takeRemoteMedia' },
                    'pair.verification': { actions: 'takeVerification' },
                    'pair.chat': { actions: 'takeChat' },
                    'user.sendChat': { guard: 'saysSomething', actions: 'sendChat' },
                  },
                  initial: 'negotiating',
                  states: {
                    // Someone is still connecting (or reconnecting).
                    negotiating: { always: { guard: 'everyoneConnected', target: 'connected' } },
                    // Connected with everyone in the call.
                    connected: { always: { guard: 'notEveryoneConnected', target: 'negotiating' } },
                  },
                },
              },
            },
            // The link to the server. While it is down the call goes on; messages wait.
            server: {
              initial: 'connecting',
              states: {
                connecting: { on: { 'signal.welcome': 'online' } },
                online: {
                  on: { 'signal.disconnected': 'reconnecting' },
                  after: { awayGrace: { guard: 'someoneAway', actions: 'forgetAway' } },
                },
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
    // Every connection in the call gave up.
    failed: {
      on: { 'user.retry': 'active' },
    },
    // No path to anyone: neither direct nor through the relay.
    unreachable: {
      on: { 'user.retry': 'active' },
    },
    ended: {
      on: { 'user.start': { target: 'active', actions: 'takeName' } },
    },
  },
});

export type CallMachine = typeof callMachine;
