import type { ServerMessage } from '../../shared/messages.js';
import type { SignalEvent } from './events.js';

/** Turns a validated server message into the machine's event. */
export function serverMessageToEvent(message: ServerMessage): SignalEvent {
  switch (message.message_type) {
    case 'WELCOME':
      return {
        type: 'signal.welcome',
        selfId: message.content.peer_id,
        peers: message.content.peers,
        iceServers: message.content.ice_servers,
        // PROTOCOL.md: left out means "all".
        iceTransportPolicy: message.content.ice_transport_policy ?? 'all',
      };
    case 'PEER_JOINED':
      return { type: 'signal.peerJoined', peer: message.content };
    case 'PEER_LEFT':
      return { type: 'signal.peerLeft', peerId: message.content.peer_id };
    case 'SDP':
      return { type: 'signal.description', from: message.from, description: message.content };
    case 'CANDIDATE':
      return { type: 'signal.candidate', from: message.from, candidate: message.content };
    case 'ERROR':
      return message.content.code === 'ROOM_FULL'
        ? { type: 'signal.roomFull', message: message.content.message }
        : { type: 'signal.error', code: message.content.code, message: message.content.message };
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
}
