/**
 * The `/ws` route: admits an upgrade (origin, sockets per IP), then binds the socket to a
 * signaling session behind the per-socket frame limit. The logic of what a socket may do lives
 * in signalingSession.ts; holding seats for a resume in resumeTable.ts.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { CLOSE_INTERNAL_ERROR, CLOSE_POLICY_VIOLATION, CLOSE_REPLACED, SIGNALING_PATH } from '../shared/limits.js';
import type { IceServerConfig, IceTransportPolicy } from '../shared/messages.js';
import { createConnectionCounter } from './connectionCounter.js';
import { createFrameLimiter, type FrameLimits } from './frameLimiter.js';
import { startHeartbeat } from './heartbeat.js';
import { createKeyedBuckets } from './keyedBuckets.js';
import { isOriginAllowed } from './origin.js';
import type { SignalingMetrics } from './metrics.js';
import type { RoomStore } from './roomStore.js';
import { createSignalingSession } from './signalingSession.js';
import { createTurnCredentials, type TurnSettings } from './turnCredentials.js';

export interface SignalingOptions {
  rooms: RoomStore;
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
  /** How many people a room holds (said when a JOIN finds it full). */
  roomCapacity: number;
  /** New rooms a client IP may create per minute. */
  maxNewRoomsPerIp: number;
}

const newPeerId = () => randomBytes(9).toString('base64url');

/**
 * A socket error is a client's fault (an oversized frame, a reset) and routine: ws has already
 * begun closing with the right code, so let that close frame go out instead of cutting the socket.
 */
export function closeOnSocketError(error: Error, socket: WebSocket, log: FastifyBaseLogger): void {
  log.warn({ err: error }, 'signaling socket error');
  if (socket.readyState !== socket.CLOSING && socket.readyState !== socket.CLOSED) socket.terminate();
}

export async function signaling(app: FastifyInstance, options: SignalingOptions): Promise<void> {
  const { rooms, metrics } = options;
  const stopHeartbeat = startHeartbeat(() => app.websocketServer.clients, options.heartbeatIntervalMs);
  const turnCredentials = options.turn ? createTurnCredentials(options.turn, () => Date.now()) : null;
  const iceServersFor = (peerId: string) =>
    turnCredentials ? [...options.iceServers, turnCredentials(peerId)] : [...options.iceServers];
  const socketsPerIp = createConnectionCounter(options.maxSocketsPerIp);
  const newRooms = createKeyedBuckets(options.maxNewRoomsPerIp, options.maxNewRoomsPerIp / 60);
  const sessions = new Set<ReturnType<typeof createSignalingSession>>();
  metrics.watch({ openSockets: () => app.websocketServer.clients.size, counts: () => rooms.counts() });
  app.addHook('onClose', async () => {
    stopHeartbeat();
    // Every socket is closed by now; let their last releases reach the store before it closes.
    await Promise.all([...sessions].map((session) => session.settled()));
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
    // The TCP socket's close covers every ending: a refused handshake, a close, a reset.
    const release = () => socketsPerIp.closed(ip);
    const tcp = request.raw.socket;
    if (tcp.destroyed) release();
    else tcp.once('close', release);
    // The socket becomes a WebSocket and never answers over HTTP: let it forget the HTTP
    // response, which would otherwise keep the request and its headers for the call's length.
    reply.raw.detachSocket(tcp);
  }

  app.get(SIGNALING_PATH, { websocket: true, helmet: false, preValidation: admit }, (socket: WebSocket, request) => {
    // Nothing below keeps `request`: a socket lives for a whole call, and the request with its
    // headers (kept also by the plugin's error listener, replaced here) is of no use after the upgrade.
    const { ip, log } = request;
    socket.removeAllListeners('error');
    socket.on('error', (error) => closeOnSocketError(error, socket, log));
    const limiter = createFrameLimiter(options.frameLimits, performance.now());
    const session = createSignalingSession(
      {
        send(message) {
          if (socket.readyState !== socket.OPEN) return false;
          socket.send(JSON.stringify(message));
          return true;
        },
        sendText(json) {
          if (socket.readyState !== socket.OPEN) return false;
          socket.send(json);
          return true;
        },
        replaced: () => socket.close(CLOSE_REPLACED, 'Replaced by a resumed connection'),
      },
      {
        rooms,
        iceServersFor,
        iceTransportPolicy: options.iceTransportPolicy,
        roomCapacity: options.roomCapacity,
        newPeerId,
        mayCreateRoom: () => newRooms.take(ip, performance.now()),
        observe: metrics.session,
        storeFailed: (error) => log.error({ err: error }, 'the room store failed a signaling request'),
      },
    );
    sessions.add(session);

    let closing = false;
    function receive(data: RawData, isBinary: boolean) {
      switch (limiter.admit(performance.now())) {
        case 'accept':
          if (isBinary) session.receiveBinary();
          else session.receiveText(data.toString());
          return;
        case 'refuse':
          return session.rateLimited();
        case 'drop':
          return;
        case 'close':
          log.warn({ ip }, 'closed a signaling socket that kept exceeding the rate limit');
          metrics.rateLimitClosed();
          // After the answers to the frames before, so the client hears why.
          closing = true;
          void session.settled().then(() => socket.close(CLOSE_POLICY_VIOLATION, 'Too many messages; slow down'));
          return;
      }
    }

    // Listeners go on before anything can await, so no frame is missed.
    socket.on('message', (data, isBinary) => {
      // A closing socket's seat is already being held for a resume; a late frame must not act.
      if (socket.readyState !== socket.OPEN || closing) return;
      try {
        receive(data, isBinary);
      } catch (error) {
        // A bug in handling one frame must cost one socket, never the process and every call.
        log.error({ err: error }, 'a signaling frame could not be handled');
        socket.close(CLOSE_INTERNAL_ERROR, 'Internal error');
      }
    });
    socket.on('close', () => {
      session.closed();
      void session.settled().then(() => sessions.delete(session));
    });
  });
}
