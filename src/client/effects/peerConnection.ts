/**
 * The RTCPeerConnection, as an actor that follows the W3C "perfect negotiation" pattern: the
 * polite peer yields on glare, the impolite one ignores the colliding offer. Every local
 * description and candidate goes back to the machine, which addresses it to the other peer.
 */
import { fromCallback } from 'xstate';
import type { SessionDescription } from '../../shared/messages.js';
import { APP_CHANNEL } from '../../shared/peerChannel.js';
import type { PeerMessage } from '../../shared/peerMessages.js';
import { parsePeerMessage } from '../../shared/parsePeerMessage.js';
import type { OutgoingMedia, PeerCommand, PeerEvent, PeerInput } from '../machine/events.js';
import { verificationCode } from '../verification/verificationCode.js';
import type { MediaStage } from './mediaStage.js';

interface Outgoing {
  audio: MediaStreamTrack | null;
  /** What the camera's transceiver sends: the camera, or the screen shared in its place. */
  video: MediaStreamTrack | null;
  /** A screen shared beside the camera, on a transceiver (and stream) of its own. */
  screen: MediaStreamTrack | null;
}

/** The tracks to send now: the microphone, the camera, and a shared screen in its place or beside it. */
function outgoing(stage: MediaStage, media: OutgoingMedia): Outgoing {
  const audio = stage.local?.getAudioTracks()[0] ?? null;
  const screen = media.screen ? (stage.screen?.getVideoTracks()[0] ?? null) : null;
  const camera = media.video ? (stage.local?.getVideoTracks()[0] ?? null) : null;
  if (media.screenBeside) return { audio, video: camera, screen };
  return { audio, video: screen ?? camera, screen: null };
}

export function createPeerConnectionActor(stage: MediaStage) {
  return fromCallback<PeerCommand, PeerInput>(({ input, sendBack, receive }) => {
    const emit = (event: PeerEvent) => sendBack(event);
    // No candidate pool: gathering early would save the waiting side a TURN allocation's round
    // trips, but Chromium does not always report a relay's refusal (icecandidateerror) for pooled
    // candidates, and that refusal is how the page knows to say the call cannot get through.
    const pc = new RTCPeerConnection({ iceServers: input.iceServers, iceTransportPolicy: input.iceTransportPolicy });
    stage.connections.set(input.key, pc);
    let relayFailureSaid = false;
    let media = input.media;
    let codeFor = '';
    /** The code being derived, so that a failure it explains is reported after it. */
    let deriving: Promise<unknown> = Promise.resolve();

    // PROTOCOL.md: one negotiated channel, made alike on both sides before the first offer.
    const channel = pc.createDataChannel(APP_CHANNEL.label, { negotiated: true, id: APP_CHANNEL.id });
    const tell = (message: PeerMessage) => {
      if (channel.readyState === 'open') channel.send(JSON.stringify(message));
    };
    // The wire's `media` only: whether the screen goes beside the camera is ours (OutgoingMedia).
    const tellMedia = () => tell({ type: 'media', audio: media.audio, video: media.video, screen: media.screen });
    channel.addEventListener('open', tellMedia);
    channel.addEventListener('message', ({ data }) => {
      const parsed = parsePeerMessage(data);
      if (!parsed.ok) {
        console.warn(`Ignored a message from the other person: ${parsed.reason}`);
        return;
      }
      const message = parsed.message;
      if (message.type === 'media') emit({ type: 'peer.media', media: { audio: message.audio, video: message.video, screen: message.screen } });
      else emit({ type: 'peer.chat', message });
    });

    // Once both descriptions are there, the code both people can compare (verificationCode.ts).
    pc.addEventListener('signalingstatechange', () => {
      const local = pc.currentLocalDescription?.sdp;
      const remote = pc.currentRemoteDescription?.sdp;
      if (pc.signalingState !== 'stable' || !local || !remote || `${local}\n${remote}` === codeFor) return;
      codeFor = `${local}\n${remote}`;
      const asked = codeFor;
      deriving = verificationCode(local, remote).then(
        (code) => {
          if (code !== null && asked === codeFor && pc.signalingState !== 'closed') emit({ type: 'peer.verification', code });
        },
        (error: unknown) => console.warn('Could not derive the verification code', error),
      );
    });

    /**
     * The transceiver of a screen shared beside the camera, with the screen's own stream. Each
     * share gets a new one and its end stops it (a renegotiation either way): the other side's
     * receiver then ends with it, and the next share starts afresh, as the first did.
     */
    let screenTransceiver: RTCRtpTransceiver | null = null;
    const live = (t: RTCRtpTransceiver) => t.direction !== 'stopped' && t.currentDirection !== 'stopped';
    /** The camera's (or microphone's) transceiver: the first of its kind that is not the screen's. */
    const transceiverFor = (kind: 'audio' | 'video') =>
      pc.getTransceivers().find((t) => t !== screenTransceiver && live(t) && t.receiver.track.kind === kind);

    const sendScreen = (track: MediaStreamTrack | null) => {
      const current = screenTransceiver && live(screenTransceiver) ? screenTransceiver : null;
      if (current ? current.sender.track === track : !track) return;
      current?.stop();
      screenTransceiver = track && stage.screen ? pc.addTransceiver(track, { direction: 'sendrecv', streams: [stage.screen] }) : null;
    };

    /** Sends the current tracks: replaced in place (no renegotiation), or added where there was none. */
    const sendTracks = () => {
      if (pc.signalingState === 'closed' || !stage.local) return;
      const tracks = outgoing(stage, media);
      for (const kind of ['audio', 'video'] as const) {
        const track = tracks[kind];
        const transceiver = transceiverFor(kind);
        if (!transceiver) {
          if (track) pc.addTrack(track, stage.local);
          continue;
        }
        if (transceiver.sender.track !== track) {
          transceiver.sender.replaceTrack(track).catch((error: unknown) => console.warn(`Could not send the new ${kind}`, error));
        }
        // Answered while this had nothing to send: sending now takes one renegotiation.
        if (track && (transceiver.direction === 'recvonly' || transceiver.direction === 'inactive')) {
          transceiver.sender.setStreams(stage.local);
          transceiver.direction = 'sendrecv';
        }
      }
      sendScreen(tracks.screen);
    };
    let makingOffer = false;
    let ignoreOffer = false;
    let settingRemoteAnswer = false;

    const sendLocalDescription = () => {
      const local = pc.localDescription;
      if (local && (local.type === 'offer' || local.type === 'answer')) {
        emit({ type: 'peer.description', description: { type: local.type, sdp: local.sdp } });
      }
    };

    const addLocalTracks = () => {
      const stream = stage.local;
      if (!stream) return;
      const sending = new Set(pc.getSenders().map((sender) => sender.track));
      const tracks = outgoing(stage, media);
      for (const track of [tracks.audio, tracks.video]) {
        if (track && !sending.has(track)) pc.addTrack(track, stream);
      }
      sendScreen(tracks.screen);
    };

    pc.addEventListener('negotiationneeded', () => {
      // The later joiner makes the first offer (PROTOCOL.md); the data channel made at once
      // must not start one from the earlier side as well.
      if (!input.polite && !pc.remoteDescription) return;
      makingOffer = true;
      pc.setLocalDescription()
        .then(sendLocalDescription)
        .catch((error: unknown) => console.warn('Could not make an offer', error))
        .finally(() => {
          makingOffer = false;
        });
    });
    pc.addEventListener('icecandidate', ({ candidate }) => {
      emit({ type: 'peer.candidate', candidate: candidate ? candidate.toJSON() : null });
    });
    // Every stream the other side sends on (by msid), in the order they came; tracks with none
    // go on one of ours. The view tells the person's camera from a screen beside it (remoteVideos.ts).
    const remoteStreams: MediaStream[] = [];
    const unnamed = new MediaStream();
    pc.addEventListener('track', ({ track, streams }) => {
      const stream = streams[0] ?? unnamed;
      if (!stream.getTracks().includes(track)) stream.addTrack(track);
      if (!remoteStreams.includes(stream)) {
        remoteStreams.push(stream);
        // A screen that stops (its transceiver no longer sends) leaves its stream.
        stream.addEventListener('removetrack', () => emit({ type: 'peer.track' }));
      }
      stage.remotes.set(input.key, [...remoteStreams]);
      emit({ type: 'peer.track' });
    });
    // The relay's own refusals (4xx: bad credentials, forbidden, over quota); 7xx are a server
    // this network cannot reach, common for one interface of many and no verdict on the relay.
    pc.addEventListener('icecandidateerror', (event) => {
      const { errorCode, errorText, url } = event as RTCPeerConnectionIceErrorEvent;
      if (relayFailureSaid || !/^turns?:/.test(url) || errorCode < 400 || errorCode > 499) return;
      relayFailureSaid = true;
      emit({ type: 'peer.relayFailed', detail: `${url} answered ${errorCode} ${errorText}` });
    });
    pc.addEventListener('connectionstatechange', () => {
      switch (pc.connectionState) {
        case 'connected':
          return emit({ type: 'peer.connected' });
        case 'disconnected':
          return emit({ type: 'peer.disconnected' });
        case 'failed':
          // Said at once, so that this pair is not dropped if the other person leaves now (their
          // side failed too); the verdict waits for the code, which tells the two people their
          // descriptions differ.
          if (encryptionFailed()) {
            emit({ type: 'peer.encryptionFailed' });
            void deriving.then(() => emit({ type: 'peer.untrusted' }));
          } else emit({ type: 'peer.failed' });
          return;
        default:
          return;
      }
    });

    /** The path works (ICE) but the encryption on it (DTLS) failed. */
    function encryptionFailed(): boolean {
      const ice = pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed';
      const transports = [...pc.getSenders().map((sender) => sender.transport), pc.sctp?.transport];
      return ice && transports.some((transport) => transport?.state === 'failed');
    }

    async function acceptDescription(description: SessionDescription) {
      if (pc.signalingState === 'closed') return;
      const readyForOffer = !makingOffer && (pc.signalingState === 'stable' || settingRemoteAnswer);
      const offerCollision = description.type === 'offer' && !readyForOffer;
      ignoreOffer = !input.polite && offerCollision;
      if (ignoreOffer) return;
      settingRemoteAnswer = description.type === 'answer';
      try {
        await pc.setRemoteDescription(description);
      } finally {
        settingRemoteAnswer = false;
      }
      if (description.type === 'offer') {
        // The earlier peer sends its media in the answer, so the first exchange is one round trip.
        addLocalTracks();
        await pc.setLocalDescription();
        sendLocalDescription();
      }
    }

    receive((command) => {
      switch (command.type) {
        case 'remote.description':
          takeDescription(command.description);
          return;
        case 'restartIce':
          pc.restartIce();
          return;
        case 'configure':
          if (pc.signalingState === 'closed') return;
          // New servers serve the next gathering (an ICE restart); the relay in use keeps going.
          try {
            pc.setConfiguration({ ...pc.getConfiguration(), iceServers: command.iceServers, iceTransportPolicy: command.iceTransportPolicy });
          } catch (error) {
            // A server list the browser rejects must not end a call that is working.
            console.warn('Could not take the new ICE servers', error);
          }
          return;
        case 'addLocalMedia':
          // The offerer offers now; the answerer sends them in its answer, or, if it has
          // answered already, in a renegotiation that adding them starts.
          if (input.polite || pc.remoteDescription) addLocalTracks();
          return;
        case 'sendMedia':
          media = command.media;
          sendTracks();
          tellMedia();
          return;
        case 'sendChat':
          tell(command.message);
          return;
        case 'remote.candidate':
          pc.addIceCandidate(command.candidate ?? undefined).catch((error: unknown) => {
            // Candidates of an offer this side ignored are expected to fail.
            if (!ignoreOffer) console.warn('Could not add an ICE candidate', error);
          });
          return;
        default: {
          const unreachable: never = command;
          return unreachable;
        }
      }
    });

    // A description this connection cannot take (e.g. the other side reloaded and offers a new
    // session) means the other side started over: the machine then starts over too.
    function takeDescription(description: SessionDescription) {
      acceptDescription(description).catch((error: unknown) => {
        emit({ type: 'peer.rejected', description, detail: `The other side's session could not be joined: ${String(error)}` });
      });
    }

    // The later joiner makes the offer (PROTOCOL.md): adding tracks fires negotiationneeded.
    if (input.polite) addLocalTracks();
    if (input.initialDescription) takeDescription(input.initialDescription);

    return () => {
      pc.close();
      // A rebuilt connection may have taken the key already: only what is this one's goes.
      if (stage.connections.get(input.key) === pc) {
        stage.connections.delete(input.key);
        stage.remotes.delete(input.key);
      }
    };
  });
}
