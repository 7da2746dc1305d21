/**
 * Everything that can happen to a call, as events named `domain.verb`. The effects turn what
 * they see (a button, a camera, a socket, a peer connection) into these; the machines decide.
 *
 * The call machine holds what the people of a call share (the camera, the link to the server,
 * who is in the room); each remote person has a peer machine of their own (see peerMachine.ts),
 * which owns the peer connection with them and tells the call machine how it is doing.
 */
import type { IceCandidate, IceServerConfig, IceTransportPolicy, PeerInfo, SessionDescription } from '../../shared/messages.js';
import type { ChatMessage, MediaState } from '../../shared/peerMessages.js';

export type UserEvent =
  /** `name`: what the person typed before Start (the JOIN's display name). */
  | { type: 'user.start'; name?: string }
  | { type: 'user.hangUp' }
  | { type: 'user.retry' }
  | MediaControl
  /** `id` and `sentAt` are made by the page, so the machine stays pure. */
  | { type: 'user.sendChat'; text: string; id: string; sentAt: number };

/** What the person does with their own microphone, camera and screen during the call. */
export type MediaControl =
  | { type: 'user.toggleMicrophone' }
  | { type: 'user.toggleCamera' }
  /** Share a screen in place of the camera, or stop sharing. */
  | { type: 'user.toggleScreen' }
  /** Share a screen beside the camera; while sharing, switch between beside and in place. */
  | { type: 'user.toggleScreenBeside' }
  | { type: 'user.chooseDevice'; kind: 'audioinput' | 'videoinput'; deviceId: string };

export type MediaEvent =
  | { type: 'media.ready' }
  | { type: 'media.denied'; detail: string }
  | { type: 'media.missing'; detail: string }
  | { type: 'media.failed'; detail: string };

/**
 * What we send. The others are told `audio`, `video` (the camera) and `screen` (PROTOCOL.md's
 * `media`, the same whether the screen goes beside the camera or in its place: they tell the two
 * apart by the screen's own stream). `screenBeside` is for our own peer connections only: the
 * screen goes as a second video, the camera still sent, rather than in the camera's place.
 */
export interface OutgoingMedia extends MediaState {
  screenBeside: boolean;
}

/** What the local media machine tells the call machine once the camera is on. */
export type LocalMediaEvent =
  /** What this person sends now; every peer connection follows it and tells its person. */
  | { type: 'media.changed'; media: OutgoingMedia }
  /** Something about the devices the person should know, in words (a headset pulled out, a switch that failed). */
  | { type: 'media.note'; text: string };

/** What the camera-and-microphone actor reports besides the first capture. */
export type DeviceEvent =
  | { type: 'device.cameraOn' }
  | { type: 'device.cameraFailed'; detail: string }
  | { type: 'device.screenOn' }
  | { type: 'device.screenFailed'; detail: string }
  /** The share ended outside the page (the browser's own "Stop sharing"). */
  | { type: 'device.screenEnded' }
  /** Another microphone or camera is in use now (chosen, or the one in use was unplugged): in words. */
  | { type: 'device.switched'; text: string }
  /** A device came, or a switch failed: in words. */
  | { type: 'device.note'; text: string };

/** What the local media machine asks of the camera-and-microphone actor. */
export type DeviceCommand =
  | { type: 'microphone'; enabled: boolean }
  | { type: 'camera.stop' }
  | { type: 'camera.start' }
  | { type: 'screen.start' }
  | { type: 'screen.stop' }
  | { type: 'device.use'; kind: 'audioinput' | 'videoinput'; deviceId: string };

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
  /** What the other side sends on changed: a track came, or one left its stream (a screen beside the camera stopped). */
  | { type: 'peer.track' }
  | { type: 'peer.connected' }
  | { type: 'peer.disconnected' }
  | { type: 'peer.failed' }
  /**
   * A path was found, but the encryption could not be set up on it (DTLS failed while ICE was
   * connected): the other side's certificate is not the one its description named, as when
   * someone in the middle replaced the descriptions.
   */
  | { type: 'peer.untrusted' }
  /**
   * The same failure, said at once: `peer.untrusted` waits for the code. The other person may
   * leave meanwhile (their side failed too), and this pair's verdict must not be lost with them.
   */
  | { type: 'peer.encryptionFailed' }
  /** The relay (TURN) server turned this connection away, e.g. it refused the credentials. */
  | { type: 'peer.relayFailed'; detail: string }
  /** A description from the other side could not be applied: they started a new session. */
  | { type: 'peer.rejected'; description: SessionDescription; detail: string }
  /** The other person said what they send (data channel). */
  | { type: 'peer.media'; media: MediaState }
  | { type: 'peer.chat'; message: ChatMessage }
  /** The code derived from both sides' DTLS fingerprints, once both descriptions are set. */
  | { type: 'peer.verification'; code: string };

/** How the connection with one person is doing, as their peer machine reports it. */
export type PairStatus = 'negotiating' | 'connected' | 'interrupted' | 'restarting' | 'failed' | 'unreachable';

/** What a peer machine tells the call machine; `key` names the person (their peer machine's id). */
export type PairEvent =
  | { type: 'pair.description'; key: string; description: SessionDescription }
  | { type: 'pair.candidate'; key: string; candidate: IceCandidate | null }
  | {
      type: 'pair.status';
      key: string;
      status: PairStatus;
      /** The relay refused this connection (so a direct path is its only way). */
      relayRefused: boolean;
      /** The encryption failed on the path; the verdict follows once the code is derived. */
      encryptionFailed: boolean;
      /** Why it gave up, in words for the person, when `status` is failed or unreachable. */
      problem: string | null;
    }
  /** The media path died: the network may have changed, so the link to the server is renewed. */
  | { type: 'pair.refresh'; key: string }
  /** What the person sends, as they told us. */
  | { type: 'pair.media'; key: string; media: MediaState }
  | { type: 'pair.chat'; key: string; message: ChatMessage }
  | { type: 'pair.verification'; key: string; code: string };

/** What the call machine tells a person's peer machine. */
export type PairCommand =
  | { type: 'remote.description'; description: SessionDescription }
  | { type: 'remote.candidate'; candidate: IceCandidate | null }
  /** Fresh ICE servers (new TURN credentials) and policy from a later welcome. */
  | { type: 'configure'; iceServers: IceServerConfig[]; iceTransportPolicy: IceTransportPolicy }
  /** The camera and microphone are on now: send them. */
  | { type: 'media.ready' }
  /** The person can be reached through the server again (after a reconnect): a stalled restart may go on. */
  | { type: 'remote.back' }
  /** What we send changed: send the current tracks and tell the person. */
  | { type: 'media.changed'; media: OutgoingMedia }
  | { type: 'chat.send'; message: ChatMessage };

export type CallEvent = UserEvent | MediaEvent | LocalMediaEvent | SignalEvent | PairEvent;

/** Everything a peer machine takes: the call machine's commands and its peer connection's events. */
export type PeerMachineEvent = PairCommand | PeerEvent;

/** What the machine asks the signaling actor to send. */
export type SignalingCommand =
  | { type: 'send.description'; to: string; description: SessionDescription }
  | { type: 'send.candidate'; to: string; candidate: IceCandidate | null }
  /**
   * Open a new socket and resume the seat. When the media path dies the network has often
   * changed, and the old socket may be dead without the browser knowing it.
   */
  | { type: 'refresh' };

/** What the peer machine hands its peer-connection actor. */
export type PeerCommand =
  | { type: 'remote.description'; description: SessionDescription }
  | { type: 'remote.candidate'; candidate: IceCandidate | null }
  | { type: 'restartIce' }
  /** Fresh ICE servers (new TURN credentials) and policy from a later welcome, for this connection. */
  | { type: 'configure'; iceServers: IceServerConfig[]; iceTransportPolicy: IceTransportPolicy }
  /** The camera and microphone came on after the peer connection started: send them now. */
  | { type: 'addLocalMedia' }
  /** The tracks to send changed (camera off or on, a screen shared, another device): send the current ones, and say so. */
  | { type: 'sendMedia'; media: OutgoingMedia }
  | { type: 'sendChat'; message: ChatMessage };

export interface SignalingInput {
  room: string;
  name?: string;
}

export interface PeerInput {
  /** The person this connection is with (their peer machine's id): where its media is shown. */
  key: string;
  /** The polite peer yields on glare (W3C perfect negotiation); it is the later joiner. */
  polite: boolean;
  iceServers: IceServerConfig[];
  iceTransportPolicy: IceTransportPolicy;
  /** An offer from the other side to start from (when rebuilding after they started over). */
  initialDescription: SessionDescription | null;
  /** Whether the local tracks are there to send from the start (else `addLocalMedia` follows). */
  mediaReady: boolean;
  /** What we send, to tell the person when the data channel opens. */
  media: OutgoingMedia;
}
