/**
 * The `/ws` route: admits an upgrade (origin, sockets per IP), then binds the socket to a
 * signaling session behind the per-socket frame limit. The logic of what a socket may do lives
 * in signalingSession.ts; holding seats for a resume in resumeTable.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { CLOSE_INTERNAL_ERROR, CLOSE_POLICY_VIOLATION, CLOSE_REPLACED, SIGNALING_PATH } from '../shared/limits.js';
import type { IceServerConfig, IceTransportPolicy, ServerMessage } from '../shared/messages.js';
import { createConnectionCounter } from './connectionCounter.js';
import { createFrameLimiter, type FrameLimiter, type FrameLimits } from './frameLimiter.js';
import { startHeartbeat, type Pingable } from './heartbeat.js';
import { createKeyedBuckets, type KeyedBuckets } from './keyedBuckets.js';
import { isOriginAllowed } from './origin.js';
import type { SignalingMetrics } from './metrics.js';
import type { OpenSockets } from './openSockets.js';
import type { RoomStore } from './roomStore.js';
import { createSignalingSession, type SessionDeps, type SessionLink, type SignalingSession } from './signalingSession.js';
import { createTurnCredentials, type TurnSettings } from './turnCredentials.js';

export interface SignalingOptions {
  rooms: RoomStore;
  /** Where the open sockets are kept (the server's record of them; ws keeps none). */
  sockets: OpenSockets;
  metrics: SignalingMetrics;
  /** Static ICE servers, handed out as they are. */
  iceServers: readonly IceServerConfig[];
  /** TURN servers sharing a secret with this server: each WELCOME carries fresh credentials. */
  turn: TurnSettings | null;
  iceTransportPolicy: IceTransportPolicy;
  heartbeatIntervalMs: number;
  allowedOrigins: readonly string[];
  frameLimits: FrameLimits;
  maxSocketsPerIp: number;
  /** New rooms a client IP may create per minute. */
  maxNewRoomsPerIp: number;
  /** How many people a room holds (said when a JOIN finds it full). */
  roomCapacity: number;
}

const newPeerId = () => randomBytes(9).toString('base64url');

const CLOCK_START = Date.now();
/**
 * The frame limiter's clock: whole milliseconds since this module loaded. Date.now() itself is
 * too big for a small integer, and every such field of every socket's limiter would hold a
 * number object of its own (16 bytes); a small integer sits in the field (for 24 days of uptime,
 * after which it merely costs those bytes again).
 */
const limiterNow = () => Date.now() - CLOCK_START;

/**
 * A socket error is a client's fault (an oversized frame, a reset) and routine: ws has already
 * begun closing with the right code, so let that close frame go out instead of cutting the socket.
 */
export function closeOnSocketError(error: Error, socket: WebSocket, log: FastifyBaseLogger): void {
  log.warn({ err: error }, 'signaling socket error');
  if (socket.readyState !== socket.CLOSING && socket.readyState !== socket.CLOSED) socket.terminate();
}

/**
 * One signaling socket: the link its session sends through, its frame limit, and the glue
 * between them. A class with shared methods, found from the socket in the open sockets by
 * listeners shared by every socket: an idle socket costs this object, its session and its
 * limiter, and no closure.
 */
class Connection implements SessionLink, Pingable {
  readonly session: SignalingSession;
  readonly limiter: FrameLimiter;
  /** Closing for abuse: the frames after that must not act. */
  closing = false;

  constructor(
    readonly socket: WebSocket,
    /** The TCP socket under it, whose bytes received tell the heartbeat the client is there. */
    private readonly tcp: Socket,
    readonly ip: string,
    private readonly reqId: string,
    private readonly shared: Shared,
  ) {
    this.limiter = createFrameLimiter(shared.frameLimits, limiterNow());
    this.session = createSignalingSession(this, shared.sessionDeps);
  }

  send(message: ServerMessage): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  sendText(json: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    this.socket.send(json);
    return true;
  }

  ping(): void {
    this.socket.ping();
  }

  terminate(): void {
    this.socket.terminate();
  }

  bytesReceived(): number {
    return this.tcp.bytesRead;
  }

  replaced(): void {
    this.socket.close(CLOSE_REPLACED, 'Replaced by a resumed connection');
  }

  mayCreateRoom(): boolean {
    return this.shared.newRooms.take(this.ip, performance.now());
  }

  receive(data: RawData, isBinary: boolean): void {
    // A closing socket's seat is already being held for a resume; a late frame must not act.
    if (this.socket.readyState !== this.socket.OPEN || this.closing) return;
    try {
      this.admit(data, isBinary);
    } catch (error) {
      // A bug in handling one frame must cost one socket, never the process and every call.
      this.log().error({ err: error }, 'a signaling frame could not be handled');
      this.socket.close(CLOSE_INTERNAL_ERROR, 'Internal error');
    }
  }

  /** This socket's lines in the log carry its request id and address, as Fastify's would. */
  log(): FastifyBaseLogger {
    return this.shared.log.child({ reqId: this.reqId, ip: this.ip });
  }

  private admit(data: RawData, isBinary: boolean) {
    // Date.now() underneath, read once a frame: in Node 20 it costs a fraction of
    // performance.now(), and the limiter copes with a clock that steps (back: nothing drains;
    // forward: a refill comes early).
    switch (this.limiter.admit(limiterNow())) {
      case 'accept':
        if (isBinary) this.session.receiveBinary();
        else this.session.receiveText(data.toString());
        return;
      case 'refuse':
        return this.session.rateLimited();
      case 'drop':
        return;
      case 'close':
        this.log().warn('closed a signaling socket that kept exceeding the rate limit');
        this.shared.rateLimitClosed();
        // After the answers to the frames before, so the client hears why.
        this.closing = true;
        void this.session.settled().then(() => this.socket.close(CLOSE_POLICY_VIOLATION, 'Too many messages; slow down'));
        return;
    }
  }
}

/** What every connection of one server shares. */
interface Shared {
  frameLimits: FrameLimits;
  sessionDeps: SessionDeps;
  newRooms: KeyedBuckets;
  log: FastifyBaseLogger;
  rateLimitClosed(): void;
}

export async function signaling(app: FastifyInstance, options: SignalingOptions): Promise<void> {
  const { rooms, metrics } = options;
  const open = options.sockets as OpenSockets<Connection>;
  const stopHeartbeat = startHeartbeat(() => open.values(), options.heartbeatIntervalMs);
  const turnCredentials = options.turn ? createTurnCredentials(options.turn, () => Date.now()) : null;
  const socketsPerIp = createConnectionCounter(options.maxSocketsPerIp);
  const shared: Shared = {
    frameLimits: options.frameLimits,
    newRooms: createKeyedBuckets(options.maxNewRoomsPerIp, options.maxNewRoomsPerIp / 60),
    log: app.log,
    rateLimitClosed: () => metrics.rateLimitClosed(),
    sessionDeps: {
      rooms,
      iceServersFor: (peerId) => (turnCredentials ? [...options.iceServers, turnCredentials(peerId)] : [...options.iceServers]),
      iceTransportPolicy: options.iceTransportPolicy,
      roomCapacity: options.roomCapacity,
      newPeerId,
      observe: metrics.session,
      storeFailed: (error) => app.log.error({ err: error }, 'the room store failed a signaling request'),
    },
  };
  /** Sessions of closed sockets whose last frames (and the seat's release) are still being handled. */
  const settling = new Set<Promise<void>>();
  /**
   * The client address each admitted TCP socket counts against, from the upgrade request until
   * it is a WebSocket (or its handshake fails); then the WebSocket's close gives the place back.
   */
  const addressOf = new WeakMap<Socket, string>();

  // Shared by every socket (`this` is the socket): no closure per socket.
  function releaseAddress(this: Socket) {
    const ip = addressOf.get(this);
    if (ip === undefined) return;
    addressOf.delete(this);
    socketsPerIp.closed(ip);
  }
  function onMessage(this: WebSocket, data: RawData, isBinary: boolean) {
    open.get(this)?.receive(data, isBinary);
  }
  function onError(this: WebSocket, error: Error) {
    const connection = open.get(this);
    closeOnSocketError(error, this, connection ? connection.log() : app.log);
  }
  function onClose(this: WebSocket) {
    const connection = open.delete(this);
    if (!connection) return;
    socketsPerIp.closed(connection.ip);
    connection.session.closed();
    const done = connection.session.settled();
    settling.add(done);
    void done.then(() => settling.delete(done));
  }

  metrics.watch({ openSockets: () => open.size, counts: () => rooms.counts() });
  app.addHook('onClose', async () => {
    stopHeartbeat();
    // Every socket is closed by now; let their last releases reach the store before it closes.
    await Promise.all(settling);
    await rooms.close();
  });

  async function admit(request: FastifyRequest, reply: FastifyReply) {
    if (!isOriginAllowed(request.headers.origin, request.headers.host, options.allowedOrigins)) {
      request.log.warn({ origin: request.headers.origin }, 'refused a signaling socket from another origin');
      await reply.code(403).send({
        error: 'Forbidden',
        message: `Origin ${request.headers.origin} may not open a signaling socket here; add it to ALLOWED_ORIGINS on the server to allow it.`,
      });
      return;
    }
    if (!request.ws) return;
    const ip = request.ip;
    if (!socketsPerIp.tryOpen(ip)) {
      request.log.warn({ ip }, 'refused a signaling socket: too many from one address');
      await reply.code(429).send({
        error: 'Too Many Requests',
        message: `Your address already has ${options.maxSocketsPerIp} signaling sockets open, the most allowed; close another call tab (or wait a minute for a dropped one to time out), then try again.`,
      });
      return;
    }
    // Until it is a WebSocket, the TCP socket's close gives the place back, whatever the ending:
    // a refused handshake, a reset.
    const tcp = request.raw.socket;
    if (tcp.destroyed) socketsPerIp.closed(ip);
    else {
      addressOf.set(tcp, ip);
      tcp.on('close', releaseAddress);
    }
    // The socket becomes a WebSocket and never answers over HTTP: let it forget the HTTP
    // response, which would otherwise keep the request and its headers for the call's length.
    reply.raw.detachSocket(tcp);
  }

  app.get(SIGNALING_PATH, { websocket: true, helmet: false, preValidation: admit }, (socket: WebSocket, request) => {
    // Nothing below keeps `request` (nor its logger): a socket lives for a whole call, and the
    // request with its headers (kept also by the plugin's error listener, replaced here) is of
    // no use after the upgrade.
    //
    // From here the WebSocket's close, which the socket needs a listener for anyway, gives the
    // address's place back: one close listener less on the TCP socket. (A TCP socket already
    // closed has given it back; ws completes no upgrade on one, but should it, it is not kept.)
    const tcp = request.raw.socket;
    const ip = addressOf.get(tcp);
    if (ip === undefined) {
      socket.terminate();
      return;
    }
    addressOf.delete(tcp);
    tcp.off('close', releaseAddress);
    const connection = new Connection(socket, tcp, ip, request.id, shared);
    open.add(socket, connection);
    // Listeners go on before anything can await, so no frame is missed.
    socket.removeAllListeners('error');
    socket.on('error', onError);
    socket.on('message', onMessage);
    socket.on('close', onClose);
  });
}
