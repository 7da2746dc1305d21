/**
 * What one signaling socket may do, as plain logic: parse each frame, answer bad input with a
 * coded ERROR, and otherwise join (or resume), relay or leave through the room store. It knows
 * nothing of Fastify or WebSocket objects, so every rule is testable on its own.
 *
 * The store may answer asynchronously (it may be shared between nodes), so a socket's frames are
 * handled one after the other: each waits for the one before it, and nothing is reordered. A
 * frame that the store handles at once (a relay in memory) is handled at once, with no promise.
 *
 * One object per socket, whose methods are shared: a server holds tens of thousands of idle
 * sessions, and a closure per rule per session would cost more than the rest of a session.
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
  /** Asked only when a JOIN would create a room: whether this client may create one more now. */
  mayCreateRoom(): boolean;
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

type Relayed = ServerMessageOf<'SDP' | 'CANDIDATE'>;
/** One frame's handling: done, or under way. */
type Step = void | Promise<void>;

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => value instanceof Promise;

/** The session is also the store's occupant of its seat: what the store delivers goes to its link. */
class Session implements SignalingSession, Occupant {
  private tenancy: Tenancy | null = null;
  private gone = false;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly link: SessionLink,
    private readonly deps: SessionDeps,
  ) {}

  // --- the socket's side -----------------------------------------------------------------
  // Errors go in line too, so that an answer never overtakes the answer to an earlier frame.
  receiveText(raw: string): void {
    this.submit(this.handleText, raw);
  }

  receiveBinary(): void {
    this.submit(this.fail, 'BAD_MESSAGE', 'Binary frames are not accepted; send each message as JSON in a text frame.');
  }

  rateLimited(): void {
    this.submit(this.fail, 'RATE_LIMITED', 'Too many messages too fast; slow down. Messages over the limit were dropped, and a socket that keeps on is closed.');
  }

  closed(): void {
    this.gone = true;
    this.submit(this.releaseSeat);
  }

  async settled(): Promise<void> {
    while (this.pending) await this.pending;
  }

  // --- the store's side (Occupant) ---------------------------------------------------------
  send(message: ServerMessage): boolean {
    return this.link.send(message);
  }

  sendText(json: string): boolean {
    return this.link.sendText(json);
  }

  evict(): void {
    this.tenancy = null;
    this.link.replaced();
  }

  // --- in line ---------------------------------------------------------------------------
  /**
   * Runs the step now when nothing is pending (so a store that answers at once delivers at once),
   * else after what is pending.
   */
  private submit<A extends unknown[]>(step: (this: Session, ...args: A) => Step, ...args: A): void {
    if (this.pending) {
      this.track(this.pending.then(() => step.apply(this, args)));
      return;
    }
    let outcome: Step;
    try {
      outcome = step.apply(this, args);
    } catch (error) {
      this.storeFailed(error);
      return;
    }
    if (outcome) this.track(outcome);
  }

  /** Later frames wait for this one; it never rejects, so neither does what waits on it. */
  private track(work: Promise<void>) {
    const current: Promise<void> = work
      .catch((error: unknown) => this.storeFailed(error))
      .finally(() => {
        if (this.pending === current) this.pending = null;
      });
    this.pending = current;
  }

  private storeFailed(error: unknown) {
    this.deps.storeFailed?.(error);
    this.fail('UNAVAILABLE', 'This server lost its connection to the room store while handling your message; send it again in a few seconds.');
  }

  private fail(code: ErrorCode, message: string): void {
    this.deps.observe?.error(code);
    this.link.send({ message_type: 'ERROR', content: { code, message } });
  }

  private handleText(raw: string): Step {
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) return this.fail(parsed.code, parsed.reason);
    return this.dispatch(parsed.message);
  }

  private dispatch(message: ClientMessage): Step {
    if (message.message_type === 'JOIN') return this.join(message.content);
    const tenancy = this.tenancy;
    if (!tenancy) return this.fail('NOT_JOINED', `${message.message_type} needs a room; send JOIN with {"room": "..."} first.`);
    switch (message.message_type) {
      case 'LEAVE':
        return this.leave(tenancy);
      // The server stamps `from`; a client-supplied one never gets through.
      case 'SDP':
        return this.relay(tenancy, message.to, { message_type: 'SDP', content: message.content, from: tenancy.seat.peerId });
      case 'CANDIDATE':
        return this.relay(tenancy, message.to, { message_type: 'CANDIDATE', content: message.content, from: tenancy.seat.peerId });
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  // --- relay -----------------------------------------------------------------------------
  private relay(from: Tenancy, to: string | undefined, stamped: Relayed): Step {
    const outcome = this.deps.rooms.relay(from, to, stamped);
    if (isPromise(outcome)) return outcome.then((answer) => this.relayed(answer, from, to, stamped));
    this.relayed(outcome, from, to, stamped);
  }

  private relayed(outcome: RelayOutcome, from: Tenancy, to: string | undefined, stamped: Relayed) {
    if (outcome.ok) this.deps.observe?.relayed(stamped.message_type);
    else this.refused(outcome, from, to, stamped.message_type === 'SDP' ? `an SDP ${stamped.content.type}` : 'a CANDIDATE');
  }

  private refused(outcome: Exclude<RelayOutcome, { ok: true }>, from: Tenancy, to: string | undefined, what: string) {
    const { room } = from.seat;
    switch (outcome.reason) {
      case 'UNKNOWN_PEER':
        return this.fail('UNKNOWN_PEER', `No peer "${to}" is in room "${room}"; address ${what} to a peer_id from WELCOME or PEER_JOINED.`);
      case 'NOBODY_ELSE':
        return this.fail('UNKNOWN_PEER', `Nobody else is in room "${room}" yet; wait for PEER_JOINED before sending ${what}.`);
      case 'AMBIGUOUS':
        return this.fail('BAD_MESSAGE', `Field "to" is missing; room "${room}" has ${outcome.others} other peers, so name the one ${what} is for.`);
      case 'SEAT_LOST':
        if (this.tenancy === from) this.tenancy = null;
        return this.fail('NOT_JOINED', `Your seat in room "${room}" is no longer yours (it was given up or taken over); send JOIN again.`);
      default: {
        const unreachable: never = outcome;
        return unreachable;
      }
    }
  }

  // --- seats -----------------------------------------------------------------------------
  private async join(content: JoinContent): Promise<void> {
    if (this.tenancy) {
      return this.fail('ALREADY_JOINED', `This socket is already in room "${this.tenancy.seat.room}"; send LEAVE before joining another room.`);
    }
    const health = this.deps.rooms.health();
    if (!health.ok) {
      return this.fail('UNAVAILABLE', `This server cannot take calls just now (${health.reason}); send JOIN again in a few seconds.`);
    }
    // A token that seats nobody here (forged, expired, another room's) is no error: the JOIN
    // goes on as a new one.
    if (content.resume !== undefined) {
      const resumed = await this.deps.rooms.resume(content.resume, content.room, this);
      if (resumed) {
        this.deps.observe?.resumed();
        return this.take(resumed);
      }
    }
    if (!(await this.deps.rooms.has(content.room)) && !this.link.mayCreateRoom()) {
      return this.fail('RATE_LIMITED', 'Too many new rooms from your address; slow down, wait a minute, then JOIN again (or join a room that already exists).');
    }
    const seated = await this.seatNew(content);
    if (seated === 'full') {
      this.fail('ROOM_FULL', `The call in room "${content.room}" is full: it holds ${this.deps.roomCapacity} people. Ask for a new link, or start a new call.`);
    } else if (seated === 'no-id') {
      // No code fits "no free peer id" (a broken id generator, in practice); ROOM_FULL is the
      // nearest, since the JOIN took no seat and may simply be tried again.
      this.fail('ROOM_FULL', `No seat could be set up for you in room "${content.room}" just now; send JOIN again.`);
    } else {
      await this.take(seated);
    }
  }

  private async seatNew(content: JoinContent): Promise<Seated | 'full' | 'no-id'> {
    const identity = { name: content.name ?? DEFAULT_NAME, room: content.room };
    for (let attempt = 0; attempt < PEER_ID_ATTEMPTS; attempt += 1) {
      const outcome = await this.deps.rooms.join({ ...identity, peerId: this.deps.newPeerId() }, this);
      if (outcome.ok) return outcome;
      if (outcome.reason === 'ROOM_FULL') return 'full';
    }
    return 'no-id';
  }

  /** Seats the socket, unless it closed while the store was answering: then the seat is let go. */
  private async take(seated: Seated): Promise<void> {
    if (this.gone) {
      await this.deps.rooms.release(seated.tenancy);
      return;
    }
    this.tenancy = seated.tenancy;
    this.welcome(seated);
  }

  private welcome(seated: Seated) {
    const { seat, token } = seated.tenancy;
    this.link.send({
      message_type: 'WELCOME',
      content: {
        peer_id: seat.peerId,
        room: seat.room,
        peers: seated.others.map((other: PeerInfo) => ({ peer_id: other.peerId, name: other.name })),
        ice_servers: this.deps.iceServersFor(seat.peerId),
        ice_transport_policy: this.deps.iceTransportPolicy,
        resume: token,
      },
    });
    seated.start();
  }

  private async leave(left: Tenancy): Promise<void> {
    this.tenancy = null;
    await this.deps.rooms.leave(left);
  }

  private releaseSeat(): Step {
    const dropped = this.tenancy;
    if (!dropped) return;
    this.tenancy = null;
    return this.deps.rooms.release(dropped);
  }
}

export function createSignalingSession(link: SessionLink, deps: SessionDeps): SignalingSession {
  return new Session(link, deps);
}
