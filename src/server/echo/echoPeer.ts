/**
 * The echo peer's connection: a werift peer connection that sends back, on each transceiver,
 * the track it receives there (video and audio), with the page's "app" data channel beside them.
 * It is the polite peer of perfect negotiation (it joins later), makes the first offer, and
 * answers any offer from the page (an ICE restart).
 */
import type { MediaStreamTrack, RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import type { CandidateContent, IceServerConfig, SessionDescription } from '../../shared/messages.js';
import { APP_CHANNEL } from '../../shared/peerChannel.js';

export interface EchoPeerOptions {
  iceServers: readonly IceServerConfig[];
  iceTransportPolicy: 'all' | 'relay';
  /** Host addresses werift skips by itself but that the path may need (loopback). */
  additionalHostAddresses: readonly string[];
  sendDescription(description: SessionDescription): void;
  sendCandidate(candidate: CandidateContent): void;
  /** The connection cannot carry the call any more. */
  failed(reason: string): void;
  /** The data channel is open. */
  channelOpened(): void;
  /** A message on the data channel: text, or bytes (which PROTOCOL.md does not allow). */
  channelMessage(data: string | Buffer): void;
}

export interface EchoPeer {
  offer(): void;
  receiveDescription(description: SessionDescription): void;
  receiveCandidate(candidate: CandidateContent): void;
  /** Sends text on the data channel; false (nothing sent) when it is not open or is backed up. */
  sendOnChannel(text: string): boolean;
  close(): Promise<void>;
}

/** A forwarded stream can only be decoded from a key frame: ask the sender for one this often. */
const KEY_FRAME_INTERVAL_MS = 1_000;
/** Past this much unsent on the channel (a page that stops reading), nothing more is queued. */
const MAX_CHANNEL_BUFFERED_BYTES = 64 * 1024;

export async function createEchoPeer(options: EchoPeerOptions): Promise<EchoPeer> {
  // Loaded on the first test call, so a server that never has one does not pay for werift.
  const { RTCPeerConnection: PeerConnection } = await import('werift');
  const pc: RTCPeerConnection = new PeerConnection({
    iceServers: options.iceServers.map((server) => ({ ...server })),
    iceTransportPolicy: options.iceTransportPolicy,
    iceAdditionalHostAddresses: [...options.additionalHostAddresses],
    bundlePolicy: 'max-bundle',
  });
  const echoed = new Map<RTCRtpTransceiver, MediaStreamTrack>();
  let makingOffer = false;
  let closed = false;
  // Descriptions are applied one at a time, in the order they arrived.
  let queue: Promise<void> = Promise.resolve();
  // As the page makes it (PROTOCOL.md), before the offer: the offer then carries it, and the page
  // need not renegotiate for it.
  const channel = pc.createDataChannel(APP_CHANNEL.label, { negotiated: true, id: APP_CHANNEL.id, ordered: true });
  channel.stateChanged.subscribe((state) => {
    if (state === 'open' && !closed) options.channelOpened();
  });
  channel.onMessage.subscribe((data) => {
    if (!closed) options.channelMessage(data);
  });

  const sendLocal = () => {
    const local = pc.localDescription;
    if (local && (local.type === 'offer' || local.type === 'answer')) options.sendDescription({ type: local.type, sdp: local.sdp });
  };

  pc.onIceCandidate.subscribe((candidate) => {
    options.sendCandidate(candidate ? candidate.toJSON() : null);
  });
  // A transceiver the page offered: send on it too, so the answer says sendrecv.
  pc.onRemoteTransceiverAdded.subscribe((transceiver) => transceiver.setDirection('sendrecv'));
  pc.ontrack = ({ track, transceiver }) => {
    echoed.set(transceiver, track);
    transceiver.sender.replaceTrack(track).catch(() => options.failed('could not echo a received track'));
  };
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'failed' && !closed) options.failed('the peer connection failed');
  });

  const keyFrames = setInterval(() => {
    for (const [transceiver, track] of echoed) {
      if (track.kind === 'video' && track.ssrc !== undefined) transceiver.receiver.sendRtcpPLI(track.ssrc).catch(() => {});
    }
  }, KEY_FRAME_INTERVAL_MS);

  function enqueue(step: () => Promise<void>, what: string) {
    queue = queue.then(step).catch((error: unknown) => {
      if (!closed) options.failed(`${what}: ${String(error)}`);
    });
  }

  return {
    offer() {
      enqueue(async () => {
        pc.addTransceiver('audio', { direction: 'sendrecv' });
        pc.addTransceiver('video', { direction: 'sendrecv' });
        makingOffer = true;
        try {
          await pc.setLocalDescription(await pc.createOffer());
        } finally {
          makingOffer = false;
        }
        sendLocal();
      }, 'could not make an offer');
    },
    receiveDescription(description) {
      enqueue(async () => {
        if (closed) return;
        // Polite: on a collision our own offer yields (werift rolls it back in setRemoteDescription).
        if (description.type === 'answer' && (makingOffer || pc.signalingState !== 'have-local-offer')) return;
        await pc.setRemoteDescription(description);
        if (description.type === 'offer') {
          await pc.setLocalDescription(await pc.createAnswer());
          sendLocal();
        }
      }, `could not take the page's ${description.type}`);
    },
    receiveCandidate(candidate) {
      if (closed) return;
      pc.addIceCandidate(candidate ?? undefined).catch(() => {
        // A candidate of a description already replaced: nothing to do.
      });
    },
    sendOnChannel(text) {
      if (closed || channel.readyState !== 'open' || channel.bufferedAmount > MAX_CHANNEL_BUFFERED_BYTES) return false;
      channel.send(text);
      return true;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(keyFrames);
      echoed.clear();
      await pc.close();
    },
  };
}
