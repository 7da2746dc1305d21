/**
 * What one signaling socket may do, as plain logic: parse each frame, answer bad input with a
 * coded ERROR, and otherwise join (or resume), relay or leave through the room registry and the
 * resume table. It knows nothing of Fastify or WebSocket objects, so every rule is testable on
 * its own.
 */
import type { ErrorCode } from '../shared/errorCodes.js';
import type { ClientMessage, IceServerConfig, IceTransportPolicy, JoinContent, ServerMessage } from '../shared/messages.js';
import { parseClientMessage } from '../shared/parseClientMessage.js';
import type { ResumeTable, Tenancy } from './resumeTable.js';
import { vacateSeat, type RoomRegistry, type Seat } from './rooms.js';

export interface SessionDeps {
  registry: RoomRegistry;
  seats: ResumeTable;
  /** The ICE servers for this peer, asked on every WELCOME: TURN credentials are made per peer and expire. */
  iceServersFor(peerId: string): IceServerConfig[];
  iceTransportPolicy: IceTransportPolicy;
  newPeerId(): string;
  /** Asked only when a JOIN would create a room: whether this client may create one more now. */
  mayCreateRoom(): boolean;
}

/** The socket, as far as a session needs it. */
export interface SessionLink {
  /** Sends now; false when the socket is no longer open. */
  send(message: ServerMessage): boolean;
  /** A newer socket resumed this one's seat: close this socket (the seat stays in the room). */
  replaced(): void;
}

export interface SignalingSession {
  receiveText(raw: string): void;
  receiveBinary(): void;
  /** The frame was over the rate limit and dropped: say so. */
  rateLimited(): void;
  /** The socket is gone without LEAVE: hold the seat for a resume. */
  closed(): void;
}

const DEFAULT_NAME = 'Guest';
/** Peer ids are random; a clash is next to impossible, but a clash must not seat two peers as one. */
const PEER_ID_ATTEMPTS = 3;

export function createSignalingSession(link: SessionLink, deps: SessionDeps): SignalingSession {
  let tenancy: Tenancy | null = null;
  const occupant = {
    send: link.send,
    evict() {
      tenancy = null;
      link.replaced();
    },
  };

  const fail = (code: ErrorCode, message: string) =>
    link.send({ message_type: 'ERROR', content: { code, message } });

  function welcome(seat: Seat, others: readonly Seat[], token: string) {
    link.send({
      message_type: 'WELCOME',
      content: {
        peer_id: seat.peerId,
        room: seat.room,
        peers: others.map((other) => ({ peer_id: other.peerId, name: other.name })),
        ice_servers: deps.iceServersFor(seat.peerId),
        ice_transport_policy: deps.iceTransportPolicy,
        resume: token,
      },
    });
  }

  /** JOIN with a token of a seat held (or still attached) in this room: the same seat again. */
  function resume(token: string, room: string): boolean {
    const resumed = deps.seats.resume(token, room, occupant);
    if (!resumed) return false;
    tenancy = resumed.tenancy;
    const { seat } = resumed.tenancy;
    welcome(seat, deps.registry.othersOf(seat), resumed.tenancy.token);
    // Through the seat, not straight to the socket: if this socket fails too, they wait again.
    for (const message of resumed.backlog) seat.deliver(message);
    return true;
  }

  function seatNew(content: JoinContent) {
    const identity = { name: content.name ?? DEFAULT_NAME, room: content.room };
    for (let attempt = 0; attempt < PEER_ID_ATTEMPTS; attempt += 1) {
      const opened = deps.seats.open({ ...identity, peerId: deps.newPeerId() }, occupant);
      const outcome = deps.registry.join(opened.seat);
      if (outcome.ok) return { ok: true as const, tenancy: opened, others: outcome.others };
      deps.seats.drop(opened);
      if (outcome.reason === 'ROOM_FULL') return { ok: false as const, full: true };
    }
    return { ok: false as const, full: false };
  }

  function join(content: JoinContent) {
    if (tenancy) {
      fail('ALREADY_JOINED', `This socket is already in room "${tenancy.seat.room}"; send LEAVE before joining another room.`);
      return;
    }
    // A token that seats nobody here (forged, expired, another room's) is no error: the JOIN
    // goes on as a new one.
    if (content.resume !== undefined && resume(content.resume, content.room)) return;
    if (!deps.registry.has(content.room) && !deps.mayCreateRoom()) {
      fail('RATE_LIMITED', 'Too many new rooms from your address; slow down, wait a minute, then JOIN again (or join a room that already exists).');
      return;
    }
    const seated = seatNew(content);
    if (!seated.ok) {
      // No code fits "no free peer id" (a broken id generator, in practice); ROOM_FULL is the
      // nearest, since the JOIN took no seat and may simply be tried again.
      fail(
        'ROOM_FULL',
        seated.full
          ? `Room "${content.room}" is full; the call there already has everyone it can hold. Ask for a new link.`
          : `No seat could be set up for you in room "${content.room}" just now; send JOIN again.`,
      );
      return;
    }
    tenancy = seated.tenancy;
    const { seat } = seated.tenancy;
    welcome(seat, seated.others, seated.tenancy.token);
    const joined: ServerMessage = { message_type: 'PEER_JOINED', content: { peer_id: seat.peerId, name: seat.name } };
    for (const other of seated.others) other.deliver(joined);
  }

  function leave() {
    if (!tenancy) return;
    const gone = tenancy;
    tenancy = null;
    // No hold after LEAVE: the seat is freed now and its token stops working.
    if (deps.seats.drop(gone)) vacateSeat(deps.registry, gone.seat);
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
    if (!tenancy) {
      fail('NOT_JOINED', `${message.message_type} needs a room; send JOIN with {"room": "..."} first.`);
      return;
    }
    const { seat } = tenancy;
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
    rateLimited() {
      fail('RATE_LIMITED', 'Too many messages too fast; slow down. Messages over the limit were dropped, and a socket that keeps on is closed.');
    },
    closed() {
      if (!tenancy) return;
      const gone = tenancy;
      tenancy = null;
      deps.seats.release(gone);
    },
  };
}
