/**
 * What one signaling socket may do, as plain logic: parse each frame, answer bad input with a
 * coded ERROR, and otherwise join, relay or leave through the room registry. It knows nothing
 * of Fastify or WebSocket objects, so every rule is testable on its own.
 */
import type { ErrorCode } from '../shared/errorCodes.js';
import type { ClientMessage, IceServerConfig, ServerMessage } from '../shared/messages.js';
import { parseClientMessage } from '../shared/parseClientMessage.js';
import type { RoomRegistry, Seat } from './rooms.js';

export interface SessionDeps {
  registry: RoomRegistry;
  iceServers: readonly IceServerConfig[];
  newPeerId(): string;
  newResumeToken(): string;
}

export interface SignalingSession {
  receiveText(raw: string): void;
  receiveBinary(): void;
  /** The socket is gone: free the seat and tell the others. */
  closed(): void;
}

const DEFAULT_NAME = 'Guest';

export function createSignalingSession(
  send: (message: ServerMessage) => void,
  deps: SessionDeps,
): SignalingSession {
  let seat: Seat | null = null;

  const fail = (code: ErrorCode, message: string) =>
    send({ message_type: 'ERROR', content: { code, message } });

  function join(content: Extract<ClientMessage, { message_type: 'JOIN' }>['content']) {
    if (seat) {
      fail('ALREADY_JOINED', `This socket is already in room "${seat.room}"; send LEAVE before joining another room.`);
      return;
    }
    const candidate: Seat = {
      peerId: deps.newPeerId(),
      name: content.name ?? DEFAULT_NAME,
      room: content.room,
      deliver: send,
    };
    const outcome = deps.registry.join(candidate);
    if (!outcome.ok) {
      fail('ROOM_FULL', `Room "${content.room}" is full; the call there already has everyone it can hold. Ask for a new link.`);
      return;
    }
    seat = candidate;
    send({
      message_type: 'WELCOME',
      content: {
        peer_id: seat.peerId,
        room: seat.room,
        peers: outcome.others.map((other) => ({ peer_id: other.peerId, name: other.name })),
        ice_servers: [...deps.iceServers],
        resume: deps.newResumeToken(),
      },
    });
    const joined: ServerMessage = { message_type: 'PEER_JOINED', content: { peer_id: seat.peerId, name: seat.name } };
    for (const other of outcome.others) other.deliver(joined);
  }

  function leave() {
    if (!seat) return;
    const gone = seat;
    seat = null;
    const left: ServerMessage = { message_type: 'PEER_LEFT', content: { peer_id: gone.peerId } };
    for (const other of deps.registry.leave(gone)) other.deliver(left);
  }

  function recipient(from: Seat, to: string | undefined, what: string): Seat | null {
    if (to !== undefined) {
      const target = deps.registry.find(from.room, to);
      if (!target || target === from) {
        fail('UNKNOWN_PEER', `No peer "${to}" is in room "${from.room}"; address ${what} to a peer_id from WELCOME or PEER_JOINED.`);
        return null;
      }
      return target;
    }
    const others = deps.registry.othersOf(from);
    const only = others.length === 1 ? others[0] : undefined;
    if (only) return only;
    if (others.length === 0) {
      fail('UNKNOWN_PEER', `Nobody else is in room "${from.room}" yet; wait for PEER_JOINED before sending ${what}.`);
    } else {
      fail('BAD_MESSAGE', `Field "to" is missing; room "${from.room}" has ${others.length} other peers, so name the one ${what} is for.`);
    }
    return null;
  }

  function dispatch(message: ClientMessage) {
    if (message.message_type === 'JOIN') return join(message.content);
    if (!seat) {
      fail('NOT_JOINED', `${message.message_type} needs a room; send JOIN with {"room": "..."} first.`);
      return;
    }
    switch (message.message_type) {
      case 'LEAVE':
        return leave();
      case 'SDP': {
        const target = recipient(seat, message.to, `an SDP ${message.content.type}`);
        target?.deliver({ message_type: 'SDP', content: message.content, from: seat.peerId });
        return;
      }
      case 'CANDIDATE': {
        const target = recipient(seat, message.to, 'a CANDIDATE');
        target?.deliver({ message_type: 'CANDIDATE', content: message.content, from: seat.peerId });
        return;
      }
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  return {
    receiveText(raw) {
      const parsed = parseClientMessage(raw);
      if (parsed.ok) dispatch(parsed.message);
      else fail(parsed.code, parsed.reason);
    },
    receiveBinary() {
      fail('BAD_MESSAGE', 'Binary frames are not accepted; send each message as JSON in a text frame.');
    },
    closed: leave,
  };
}
