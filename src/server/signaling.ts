/**
 * The `/ws` route: admits an upgrade (origin, sockets per IP), then binds the socket to a
 * signaling session behind the per-socket frame limit. The logic of what a socket may do lives
 * in signalingSession.ts; holding seats for a resume in resumeTable.ts.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { CLOSE_INTERNAL_ERROR, CLOSE_POLICY_VIOLATION, CLOSE_REPLACED, SIGNALING_PATH } from '../shared/limits.js';
import type { IceServerConfig, IceTransportPolicy } from '../shared/messages.js';
import { createConnectionCounter } from './connectionCounter.js';
import { createFrameLimiter, type FrameLimits } from './frameLimiter.js';
import { startHeartbeat } from './heartbeat.js';
import { createKeyedBuckets } from './keyedBuckets.js';
import { isOriginAllowed } from './origin.js';
import { createResumeTable } from './resumeTable.js';
import { vacateSeat, type RoomRegistry } from './rooms.js';
import { createSignalingSession } from './signalingSession.js';
import { createTurnCredentials, type TurnSettings } from './turnCredentials.js';

export interface SignalingOptions {
  registry: RoomRegistry;
  /** Static ICE servers, handed out as they are. */
  iceServers: readonly IceServerConfig[];
  /** TURN servers sharing a secret with this server: each WELCOME carries fresh credentials. */
  turn: TurnSettings | null;
  iceTransportPolicy: IceTransportPolicy;
  heartbeatIntervalMs: number;
  allowedOrigins: readonly string[];
  resumeGraceMs: number;
  frameLimits: FrameLimits;
  maxSocketsPerIp: number;
  /** New rooms a client IP may create per minute. */
  maxNewRoomsPerIp: number;
}

/**
 * What is kept for a held seat. A call's whole set-up is a few dozen messages and a few tens of
 * kilobytes, so these are only reached by a peer that is relayed a flood; beyond either, the
 * seat is freed (see resumeTable.ts). The character bound keeps a held seat from holding
 * 1,000 SDPs of 60,000 characters each.
 */
const MAX_QUEUED_PER_SEAT = 1_000;
const MAX_QUEUED_CHARS_PER_SEAT = 1_000_000;

const newPeerId = () => randomBytes(9).toString('base64url');
// 192 random bits: a token cannot be guessed, only handed out in a WELCOME.
const newResumeToken = () => randomBytes(24).toString('base64url');

export async function signaling(app: FastifyInstance, options: SignalingOptions): Promise<void> {
  const { registry } = options;
  const stopHeartbeat = startHeartbeat(() => app.websocketServer.clients, options.heartbeatIntervalMs);
  const seats = createResumeTable({
    graceMs: options.resumeGraceMs,
    maxQueued: MAX_QUEUED_PER_SEAT,
    maxQueuedChars: MAX_QUEUED_CHARS_PER_SEAT,
    newToken: newResumeToken,
    expire: (seat) => vacateSeat(registry, seat),
  });
  const turnCredentials = options.turn ? createTurnCredentials(options.turn, () => Date.now()) : null;
  const iceServersFor = (peerId: string) =>
    turnCredentials ? [...options.iceServers, turnCredentials(peerId)] : [...options.iceServers];
  const socketsPerIp = createConnectionCounter(options.maxSocketsPerIp);
  const newRooms = createKeyedBuckets(options.maxNewRoomsPerIp, options.maxNewRoomsPerIp / 60);
  app.addHook('onClose', async () => {
    stopHeartbeat();
    // Held seats' timers would otherwise outlive the server.
    seats.close();
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
  }

  app.get(SIGNALING_PATH, { websocket: true, helmet: false, preValidation: admit }, (socket: WebSocket, request) => {
    const ip = request.ip;
    const limiter = createFrameLimiter(options.frameLimits, performance.now());
    const session = createSignalingSession(
      {
        send(message) {
          if (socket.readyState !== socket.OPEN) return false;
          socket.send(JSON.stringify(message));
          return true;
        },
        replaced: () => socket.close(CLOSE_REPLACED, 'Replaced by a resumed connection'),
      },
      {
        registry,
        seats,
        iceServersFor,
        iceTransportPolicy: options.iceTransportPolicy,
        newPeerId,
        mayCreateRoom: () => newRooms.take(ip, performance.now()),
      },
    );

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
          request.log.warn({ ip }, 'closed a signaling socket that kept exceeding the rate limit');
          socket.close(CLOSE_POLICY_VIOLATION, 'Too many messages; slow down');
          return;
      }
    }

    // Listeners go on before anything can await, so no frame is missed. Socket errors go to
    // the plugin's errorHandler (app.ts).
    socket.on('message', (data, isBinary) => {
      // A closing socket's seat is already being held for a resume; a late frame must not act.
      if (socket.readyState !== socket.OPEN) return;
      try {
        receive(data, isBinary);
      } catch (error) {
        // A bug in handling one frame must cost one socket, never the process and every call.
        request.log.error({ err: error }, 'a signaling frame could not be handled');
        socket.close(CLOSE_INTERNAL_ERROR, 'Internal error');
      }
    });
    socket.on('close', () => session.closed());
  });
}
