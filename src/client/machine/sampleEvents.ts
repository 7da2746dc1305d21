/**
 * One example of every event the machines know, with plausible contents, shaped to the current
 * context (a description comes from someone actually in the call). The simulation offers these
 * as buttons; the model-based tests walk the machines with them.
 */
import type { CallContext } from './callMachine.js';
import type { CallEvent, DeviceEvent, MediaControl, MediaEvent, PairStatus, PeerMachineEvent } from './events.js';

export interface SampleEvent<TEvent = CallEvent> {
  label: string;
  event: TEvent;
}

const FIRST = { peer_id: 'peer-b', name: 'Bea' };
const OFFER = { type: 'offer' as const, sdp: 'v=0\r\n(simulated offer)\r\n' };
const TURN = { urls: 'turn:turn.example.org:3478', username: '1796130000:peer-a', credential: 'c2ltdWxhdGVk' };
const CANDIDATE = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
const NAMES = ['Bea', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus'];

/** Someone who is not in the call yet, named after the next free key so that each join is a new person. */
export function newcomer(context: CallContext) {
  const n = context.nextKey;
  return { peer_id: `peer-${n + 1}`, name: NAMES[(n - 1) % NAMES.length]! };
}

/** What the person and the server can do: the events the page's effects send the call machine. */
export function sampleEvents(context: CallContext): SampleEvent[] {
  const first = context.people.find((person) => person.peerId !== null);
  const remote = first?.peerId ?? FIRST.peer_id;
  const listed = context.people.flatMap((person) => (person.peerId === null ? [] : [{ peer_id: person.peerId, name: person.name }]));
  return [
    { label: 'user.start', event: { type: 'user.start' } },
    { label: 'user.hangUp', event: { type: 'user.hangUp' } },
    { label: 'user.retry', event: { type: 'user.retry' } },
    { label: 'media.ready', event: { type: 'media.ready' } },
    { label: 'media.denied', event: { type: 'media.denied', detail: 'Camera and microphone access was blocked (simulated).' } },
    { label: 'media.missing', event: { type: 'media.missing', detail: 'No camera or microphone was found (simulated).' } },
    { label: 'media.failed', event: { type: 'media.failed', detail: 'The camera is busy (simulated).' } },
    {
      label: 'signal.welcome (room empty)',
      event: { type: 'signal.welcome', selfId: 'peer-a', peers: [], iceServers: [], iceTransportPolicy: 'all' },
    },
    {
      // A server that relays every call, so that both policies are met on the way into a call.
      label: 'signal.welcome (someone there, relay only)',
      event: { type: 'signal.welcome', selfId: 'peer-a', peers: [FIRST], iceServers: [TURN], iceTransportPolicy: 'relay' },
    },
    {
      // Our seat expired while we were away; the others kept theirs.
      label: 'signal.welcome (back with a new seat)',
      event: {
        type: 'signal.welcome',
        selfId: context.selfId === 'peer-a' ? 'peer-a2' : 'peer-a',
        peers: listed.length ? listed : [FIRST],
        iceServers: [],
        iceTransportPolicy: 'all',
      },
    },
    { label: 'signal.peerJoined (someone new)', event: { type: 'signal.peerJoined', peer: newcomer(context) } },
    { label: 'signal.peerLeft', event: { type: 'signal.peerLeft', peerId: remote } },
    { label: 'signal.description', event: { type: 'signal.description', from: remote, description: OFFER } },
    { label: 'signal.candidate', event: { type: 'signal.candidate', from: remote, candidate: CANDIDATE } },
    { label: 'signal.roomFull', event: { type: 'signal.roomFull', message: 'This call is full: it holds 2 people (simulated).' } },
    { label: 'signal.error', event: { type: 'signal.error', code: 'UNKNOWN_PEER', message: 'No such peer (simulated).' } },
    { label: 'signal.disconnected', event: { type: 'signal.disconnected' } },
    { label: 'signal.lost', event: { type: 'signal.lost', reason: 'The connection to the call server was lost (simulated).' } },
    ...MEDIA_CONTROLS,
    { label: 'user.sendChat', event: { type: 'user.sendChat', text: 'Hello <b>all</b>', id: 'chat-1', sentAt: 1_796_130_000_000 } },
    { label: 'media.changed (muted)', event: { type: 'media.changed', media: { audio: false, video: true, screen: false, screenBeside: false } } },
    { label: 'media.note', event: { type: 'media.note', text: 'The headset was unplugged; now using the built-in microphone (simulated).' } },
  ];
}

const MEDIA_CONTROLS: SampleEvent<MediaControl>[] = [
  { label: 'user.toggleMicrophone', event: { type: 'user.toggleMicrophone' } },
  { label: 'user.toggleCamera', event: { type: 'user.toggleCamera' } },
  { label: 'user.toggleScreen', event: { type: 'user.toggleScreen' } },
  { label: 'user.toggleScreenBeside', event: { type: 'user.toggleScreenBeside' } },
  { label: 'user.chooseDevice', event: { type: 'user.chooseDevice', kind: 'audioinput', deviceId: 'simulated-headset' } },
];

/** What the person and their devices can tell the local media machine. */
export function sampleLocalMediaEvents(): SampleEvent<MediaControl | MediaEvent | DeviceEvent>[] {
  return [
    ...MEDIA_CONTROLS,
    { label: 'media.ready', event: { type: 'media.ready' } },
    { label: 'media.denied', event: { type: 'media.denied', detail: 'Camera and microphone access was blocked (simulated).' } },
    { label: 'media.missing', event: { type: 'media.missing', detail: 'No camera or microphone was found (simulated).' } },
    { label: 'media.failed', event: { type: 'media.failed', detail: 'The camera is busy (simulated).' } },
    { label: 'device.cameraOn', event: { type: 'device.cameraOn' } },
    { label: 'device.cameraFailed', event: { type: 'device.cameraFailed', detail: 'The camera was unplugged (simulated).' } },
    { label: 'device.screenOn', event: { type: 'device.screenOn' } },
    { label: 'device.screenFailed', event: { type: 'device.screenFailed', detail: 'Screen sharing was cancelled (simulated).' } },
    { label: 'device.screenEnded', event: { type: 'device.screenEnded' } },
    { label: 'device.switched', event: { type: 'device.switched', text: 'Now using the headset (simulated).' } },
    { label: 'device.note', event: { type: 'device.note', text: 'A new camera is there (simulated).' } },
  ];
}

const STATUSES: PairStatus[] = ['negotiating', 'connected', 'interrupted', 'restarting', 'failed', 'unreachable'];

/** What a peer machine tells the call machine, as if from the first person's (for tests of the call machine alone). */
export function samplePairEvents(context: CallContext): SampleEvent[] {
  const key = context.people[0]?.key ?? 'person-1';
  return [
    ...STATUSES.map(
      (status): SampleEvent => ({
        label: `pair.status (${status})`,
        event: {
          type: 'pair.status',
          key,
          status,
          relayRefused: false,
          encryptionFailed: false,
          problem: status === 'failed' || status === 'unreachable' ? `The connection ${status} (simulated).` : null,
        },
      }),
    ),
    {
      label: 'pair.status (negotiating, relay refused)',
      event: { type: 'pair.status', key, status: 'negotiating', relayRefused: true, encryptionFailed: false, problem: null },
    },
    {
      label: 'pair.status (negotiating, encryption failed)',
      event: { type: 'pair.status', key, status: 'negotiating', relayRefused: false, encryptionFailed: true, problem: null },
    },
    {
      label: 'pair.status (connected, encryption failed)',
      event: { type: 'pair.status', key, status: 'connected', relayRefused: false, encryptionFailed: true, problem: null },
    },
    { label: 'pair.description', event: { type: 'pair.description', key, description: OFFER } },
    { label: 'pair.candidate', event: { type: 'pair.candidate', key, candidate: CANDIDATE } },
    { label: 'pair.refresh', event: { type: 'pair.refresh', key } },
    { label: 'pair.media (camera off)', event: { type: 'pair.media', key, media: { audio: true, video: false, screen: false } } },
    { label: 'pair.chat', event: { type: 'pair.chat', key, message: { type: 'chat', id: 'm-1', text: 'Hi!', sent_at: 1_796_130_000_000 } } },
    { label: 'pair.verification', event: { type: 'pair.verification', key, code: '1234 5678' } },
  ];
}

/** What a person's peer connection and the call machine can tell their peer machine. */
export function samplePeerEvents(): SampleEvent<PeerMachineEvent>[] {
  return [
    { label: 'peer.description', event: { type: 'peer.description', description: OFFER } },
    { label: 'peer.candidate', event: { type: 'peer.candidate', candidate: CANDIDATE } },
    { label: 'peer.track', event: { type: 'peer.track' } },
    { label: 'peer.connected', event: { type: 'peer.connected' } },
    { label: 'peer.disconnected', event: { type: 'peer.disconnected' } },
    { label: 'peer.failed', event: { type: 'peer.failed' } },
    { label: 'peer.encryptionFailed', event: { type: 'peer.encryptionFailed' } },
    { label: 'peer.untrusted', event: { type: 'peer.untrusted' } },
    {
      label: 'peer.relayFailed',
      event: { type: 'peer.relayFailed', detail: 'turn:turn.example.org:3478 answered 401 Unauthorized (simulated).' },
    },
    {
      label: 'peer.rejected',
      event: { type: 'peer.rejected', description: OFFER, detail: 'The other side started a new session (simulated).' },
    },
    { label: 'remote.description', event: { type: 'remote.description', description: OFFER } },
    { label: 'remote.candidate', event: { type: 'remote.candidate', candidate: CANDIDATE } },
    { label: 'configure', event: { type: 'configure', iceServers: [TURN], iceTransportPolicy: 'all' } },
    { label: 'media.ready', event: { type: 'media.ready' } },
    { label: 'remote.back', event: { type: 'remote.back' } },
    { label: 'peer.media (muted)', event: { type: 'peer.media', media: { audio: false, video: true, screen: false } } },
    { label: 'peer.chat', event: { type: 'peer.chat', message: { type: 'chat', id: 'm-1', text: 'Hi!', sent_at: 1_796_130_000_000 } } },
    { label: 'peer.verification', event: { type: 'peer.verification', code: '1234 5678' } },
    { label: 'media.changed (camera off)', event: { type: 'media.changed', media: { audio: true, video: false, screen: false, screenBeside: false } } },
    { label: 'chat.send', event: { type: 'chat.send', message: { type: 'chat', id: 'c-1', text: 'Hello', sent_at: 1_796_130_000_000 } } },
  ];
}
