/**
 * Everything that can happen to a call, as events named `domain.verb`. The effects turn what
 * they see (a button, a camera, a socket, a peer connection) into these; the machine decides.
 */
import type { IceCandidate, IceServerConfig, IceTransportPolicy, PeerInfo, SessionDescription } from '../../shared/messages.js';

export type UserEvent = { type: 'user.start' } | { type: 'user.hangUp' } | { type: 'user.retry' };

export type MediaEvent =
  | { type: 'media.ready' }
  | { type: 'media.denied'; detail: string }
  | { type: 'media.missing'; detail: string }
  | { type: 'media.failed'; detail: string };

export type SignalEvent =
  | {
      type: 'signal.welcome';
      selfId: string;
      peers: PeerInfo[];
      /** Fresh with every welcome: TURN credentials expire. */
      iceServers: IceServerConfig[];
      iceTransportPolicy: IceTransportPolicy;
    }
  | { type: 'signal.peerJoined'; peer: PeerInfo }
  | { type: 'signal.peerLeft'; peerId: string }
  | { type: 'signal.description'; from: string; description: SessionDescription }
  | { type: 'signal.candidate'; from: string; candidate: IceCandidate | null }
  | { type: 'signal.roomFull'; message: string }
  | { type: 'signal.error'; code: string; message: string }
  | { type: 'signal.lost'; reason: string }
  /** The link dropped after a successful join; the signaling actor is reconnecting. */
  | { type: 'signal.disconnected' };

/** From the peer connection: what to send to the other side, and how the link is doing. */
export type PeerEvent =
  | { type: 'peer.description'; description: SessionDescription }
  | { type: 'peer.candidate'; candidate: IceCandidate | null }
  | { type: 'peer.track' }
  | { type: 'peer.connected' }
  | { type: 'peer.disconnected' }
  | { type: 'peer.failed' }
  /** The relay (TURN) server turned this connection away, e.g. it refused the credentials. */
  | { type: 'peer.relayFailed'; detail: string }
  /** A description from the other side could not be applied: they started a new session. */
  | { type: 'peer.rejected'; description: SessionDescription; detail: string };

export type CallEvent = UserEvent | MediaEvent | SignalEvent | PeerEvent;

/** What the machine asks the signaling actor to send. */
export type SignalingCommand =
  | { type: 'send.description'; to: string; description: SessionDescription }
  | { type: 'send.candidate'; to: string; candidate: IceCandidate | null }
  /**
   * Open a new socket and resume the seat. When the media path dies the network has often
   * changed, and the old socket may be dead without the browser knowing it.
   */
  | { type: 'refresh' };

/** What the machine hands the peer-connection actor from the other side. */
export type PeerCommand =
  | { type: 'remote.description'; description: SessionDescription }
  | { type: 'remote.candidate'; candidate: IceCandidate | null }
  | { type: 'restartIce' }
  /** Fresh ICE servers (new TURN credentials) and policy from a later welcome, for this connection. */
  | { type: 'configure'; iceServers: IceServerConfig[]; iceTransportPolicy: IceTransportPolicy }
  /** The camera and microphone came on after the peer connection started: send them now. */
  | { type: 'addLocalMedia' };

export interface SignalingInput {
  room: string;
  name?: string;
}

export interface PeerInput {
  /** The polite peer yields on glare (W3C perfect negotiation); it is the later joiner. */
  polite: boolean;
  iceServers: IceServerConfig[];
  iceTransportPolicy: IceTransportPolicy;
  /** An offer from the other side to start from (when rebuilding after they started over). */
  initialDescription: SessionDescription | null;
  /** Whether the local tracks are there to send from the start (else `addLocalMedia` follows). */
  mediaReady: boolean;
}
