/**
 * What one signaling socket may do, as plain logic: parse each frame, answer bad input with a
 * coded ERROR, and otherwise join (or resume), relay or leave through the room store. It knows
 * nothing of Fastify or WebSocket objects, so every rule is testable on its own.
 *
 * The store answers asynchronously (it may be shared between nodes), so a socket's frames are
 * handled one after the other: each waits for the one before it, and nothing is reordered.
 */
import type { ErrorCode } from '../shared/errorCodes.js';
import type { ClientMessage, IceServerConfig, IceTransportPolicy, JoinContent, ServerMessage, ServerMessageOf } from '../shared/messages.js';
import { parseClientMessage } from '../shared/parseClientMessage.js';
import type { Occupant, PeerInfo, RelayOutcome, RoomStore, Seated, Tenancy } from './roomStore.js';

export interface SessionDeps {
  rooms: RoomStore;
  /** The ICE servers for this peer, asked on every WELCOME: TURN credentials are made per peer and expire. */
  iceServersFor(peerId: string): IceServerConfig[];
  iceTransportPolicy: IceTransportPolicy;
  /** How many people a room holds, to say so when one is full. */
  roomCapacity: number;
  newPeerId(): string;
  /** Asked only when a JOIN would create a room: whether this client may create one more now. */
  mayCreateRoom(): boolean;
  /** For the metrics: what this session did. */
  observe?: SessionObserver;
  /** A store failure (not the client's fault): logged, and the client told to try again. */
  storeFailed?(error: unknown): void;
}

export interface SessionObserver {
  relayed(type: 'SDP' | 'CANDIDATE'): void;
  error(code: ErrorCode): void;
  resumed(): void;
}

/** The socket, as far as a session needs it. */
export interface SessionLink {
  /** Sends now; false when the socket is no longer open. */
  send(message: ServerMessage): boolean;
  /** Sends a message that is JSON already; false when the socket is no longer open. */
  sendText(json: string): boolean;
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
  /** Resolves once every frame received so far has been handled. */
  settled(): Promise<void>;
}

const DEFAULT_NAME = 'Guest';
/** Peer ids are random; a clash is next to impossible, but a clash must not seat two peers as one. */
const PEER_ID_ATTEMPTS = 3;

export function createSignalingSession(link: SessionLink, deps: SessionDeps): SignalingSession {
  let tenancy: Tenancy | null = null;
  let gone = false;
  let pending: Promise<void> | null = null;
  const occupant: Occupant = {
    send: link.send,
    sendText: link.sendText,
    evict() {
      tenancy = null;
      link.replaced();
    },
  };

  const fail = (code: ErrorCode, message: string) => {
    deps.observe?.error(code);
    link.send({ message_type: 'ERROR', content: { code, message } });
  };

  function welcome(seated: Seated) {
    const { seat, token } = seated.tenancy;
    link.send({
      message_type: 'WELCOME',
      content: {
        peer_id: seat.peerId,
        room: seat.room,
        peers: seated.others.map((other: PeerInfo) => ({ peer_id: other.peerId, name: other.name })),
        ice_servers: deps.iceServersFor(seated.tenancy.seat.peerId),
        ice_transport_policy: deps.iceTransportPolicy,
        resume: token,
      },
    });
    seated.start();
  }

  /** Seats the socket, unless it closed while the store was answering: then the seat is let go. */
  async function take(seated: Seated) {
    if (gone) {
      await deps.rooms.release(seated.tenancy);
      return;
    }
    tenancy = seated.tenancy;
    welcome(seated);
  }

  async function seatNew(content: JoinContent): Promise<Seated | 'full' | 'no-id'> {
    const identity = { name: content.name ?? DEFAULT_NAME, room: content.room };
    for (let attempt = 0; attempt < PEER_ID_ATTEMPTS; attempt += 1) {
      const outcome = await deps.rooms.join({ ...identity, peerId: deps.newPeerId() }, occupant);
      if (outcome.ok) return outcome;
      if (outcome.reason === 'ROOM_FULL') return 'full';
    }
    return 'no-id';
  }

  async function join(content: JoinContent) {
    if (tenancy) {
      fail('ALREADY_JOINED', `This socket is already in room "${tenancy.seat.room}"; send LEAVE before joining another room.`);
      return;
    }
    const health = deps.rooms.health();
    if (!health.ok) {
      fail('UNAVAILABLE', `This server cannot take calls just now (${health.reason}); send JOIN again in a few seconds.`);
      return;
    }
    // A token that seats nobody here (forged, expired, another room's) is no error: the JOIN
    // goes on as a new one.
    if (content.resume !== undefined) {
      const resumed = await deps.rooms.resume(content.resume, content.room, occupant);
      if (resumed) {
        deps.observe?.resumed();
        return take(resumed);
      }
    }
    if (!(await deps.rooms.has(content.room)) && !deps.mayCreateRoom()) {
      fail('RATE_LIMITED', 'Too many new rooms from your address; slow down, wait a minute, then JOIN again (or join a room that already exists).');
      return;
    }
    const seated = await seatNew(content);
    if (seated === 'full') {
      fail('ROOM_FULL', `The call in room "${content.room}" is full: it holds ${deps.roomCapacity} people. Ask for a new link, or start a new call.`);
    } else if (seated === 'no-id') {
      // No code fits "no free peer id" (a broken id generator, in practice); ROOM_FULL is the
      // nearest, since the JOIN took no seat and may simply be tried again.
      fail('ROOM_FULL', `No seat could be set up for you in room "${content.room}" just now; send JOIN again.`);
    } else {
      await take(seated);
    }
  }

  async function leave() {
    if (!tenancy) return;
    const left = tenancy;
    tenancy = null;
    await deps.rooms.leave(left);
  }

  function refused(outcome: Exclude<RelayOutcome, { ok: true }>, from: Tenancy, to: string | undefined, what: string) {
    const { room } = from.seat;
    switch (outcome.reason) {
      case 'UNKNOWN_PEER':
        return fail('UNKNOWN_PEER', `No peer "${to}" is in room "${room}"; address ${what} to a peer_id from WELCOME or PEER_JOINED.`);
      case 'NOBODY_ELSE':
        return fail('UNKNOWN_PEER', `Nobody else is in room "${room}" yet; wait for PEER_JOINED before sending ${what}.`);
      case 'AMBIGUOUS':
        return fail('BAD_MESSAGE', `Field "to" is missing; room "${room}" has ${outcome.others} other peers, so name the one ${what} is for.`);
      case 'SEAT_LOST':
        if (tenancy === from) tenancy = null;
        return fail('NOT_JOINED', `Your seat in room "${room}" is no longer yours (it was given up or taken over); send JOIN again.`);
      default: {
        const unreachable: never = outcome;
        return unreachable;
      }
    }
  }

  async function relay(from: Tenancy, to: string | undefined, stamped: ServerMessageOf<'SDP' | 'CANDIDATE'>, what: string) {
    const outcome = await deps.rooms.relay(from, to, stamped);
    if (outcome.ok) deps.observe?.relayed(stamped.message_type);
    else refused(outcome, from, to, what);
  }

  async function dispatch(message: ClientMessage) {
    if (message.message_type === 'JOIN') return join(message.content);
    if (!tenancy) {
      fail('NOT_JOINED', `${message.message_type} needs a room; send JOIN with {"room": "..."} first.`);
      return;
    }
    switch (message.message_type) {
      case 'LEAVE':
        return leave();
      // The server stamps `from`; a client-supplied one never gets through.
      case 'SDP':
        return relay(tenancy, message.to, { message_type: 'SDP', content: message.content, from: tenancy.seat.peerId }, `an SDP ${message.content.type}`);
      case 'CANDIDATE':
        return relay(tenancy, message.to, { message_type: 'CANDIDATE', content: message.content, from: tenancy.seat.peerId }, 'a CANDIDATE');
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  async function guarded(task: () => Promise<void>) {
    try {
      await task();
    } catch (error) {
      deps.storeFailed?.(error);
      fail('UNAVAILABLE', 'This server lost its connection to the room store while handling your message; send it again in a few seconds.');
    }
  }

  /**
   * Runs the task now when nothing is pending (so a store that answers at once delivers at once),
   * else after what is pending.
   */
  function enqueue(task: () => Promise<void>) {
    const run = pending ? pending.then(() => guarded(task)) : guarded(task);
    const current = run.finally(() => {
      if (pending === current) pending = null;
    });
    pending = current;
  }

  return {
    // Errors go in line too, so that an answer never overtakes the answer to an earlier frame.
    receiveText(raw) {
      enqueue(async () => {
        const parsed = parseClientMessage(raw);
        if (parsed.ok) await dispatch(parsed.message);
        else fail(parsed.code, parsed.reason);
      });
    },
    receiveBinary() {
      enqueue(async () => fail('BAD_MESSAGE', 'Binary frames are not accepted; send each message as JSON in a text frame.'));
    },
    rateLimited() {
      enqueue(async () => fail('RATE_LIMITED', 'Too many messages too fast; slow down. Messages over the limit were dropped, and a socket that keeps on is closed.'));
    },
    closed() {
      gone = true;
      enqueue(async () => {
        if (!tenancy) return;
        const dropped = tenancy;
        tenancy = null;
        await deps.rooms.release(dropped);
      });
    },
    settled: async () => {
      while (pending) await pending;
    },
  };
}
