/**
 * One example of every event the call machine knows, with plausible contents, shaped to the
 * current context (a description comes from the peer actually in the call). The simulation
 * offers these as buttons; the model-based tests walk the machine with them.
 */
import type { CallContext } from './callMachine.js';
import type { CallEvent } from './events.js';

export interface SampleEvent {
  label: string;
  event: CallEvent;
}

const NEWCOMER = { peer_id: 'peer-b', name: 'Bea' };
const OFFER = { type: 'offer' as const, sdp: 'v=0\r\n(simulated offer)\r\n' };
const TURN = { urls: 'turn:turn.example.org:3478', username: '1796130000:peer-a', credential: 'c2ltdWxhdGVk' };
const CANDIDATE = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

export function sampleEvents(context: CallContext): SampleEvent[] {
  const remote = context.remote?.peer_id ?? NEWCOMER.peer_id;
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
      event: { type: 'signal.welcome', selfId: 'peer-a', peers: [NEWCOMER], iceServers: [TURN], iceTransportPolicy: 'relay' },
    },
    {
      // Our seat expired while we were away; the other person kept theirs.
      label: 'signal.welcome (back with a new seat)',
      event: {
        type: 'signal.welcome',
        selfId: context.selfId === 'peer-a' ? 'peer-a2' : 'peer-a',
        peers: [context.remote ?? NEWCOMER],
        iceServers: [],
        iceTransportPolicy: 'all',
      },
    },
    { label: 'signal.peerJoined', event: { type: 'signal.peerJoined', peer: NEWCOMER } },
    { label: 'signal.peerLeft', event: { type: 'signal.peerLeft', peerId: remote } },
    { label: 'signal.description', event: { type: 'signal.description', from: remote, description: OFFER } },
    { label: 'signal.candidate', event: { type: 'signal.candidate', from: remote, candidate: CANDIDATE } },
    { label: 'signal.roomFull', event: { type: 'signal.roomFull', message: 'This call is full (simulated).' } },
    { label: 'signal.error', event: { type: 'signal.error', code: 'UNKNOWN_PEER', message: 'No such peer (simulated).' } },
    { label: 'signal.disconnected', event: { type: 'signal.disconnected' } },
    { label: 'signal.lost', event: { type: 'signal.lost', reason: 'The connection to the call server was lost (simulated).' } },
    { label: 'peer.description', event: { type: 'peer.description', description: OFFER } },
    { label: 'peer.candidate', event: { type: 'peer.candidate', candidate: CANDIDATE } },
    { label: 'peer.track', event: { type: 'peer.track' } },
    { label: 'peer.connected', event: { type: 'peer.connected' } },
    { label: 'peer.disconnected', event: { type: 'peer.disconnected' } },
    { label: 'peer.failed', event: { type: 'peer.failed' } },
    {
      label: 'peer.relayFailed',
      event: { type: 'peer.relayFailed', detail: 'turn:turn.example.org:3478 answered 401 Unauthorized (simulated).' },
    },
    {
      label: 'peer.rejected',
      event: { type: 'peer.rejected', description: OFFER, detail: 'The other side started a new session (simulated).' },
    },
  ];
}
