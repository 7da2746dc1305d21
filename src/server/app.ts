/**
 * Builds the server: the call page, the signaling socket and the health check. It never reads
 * the environment and never listens, so tests and `main.ts` build it the same way.
 */
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { CLOSE_GOING_AWAY, MAX_FRAME_BYTES } from '../shared/limits.js';
import { DEFAULTS } from './defaults.js';
import type { IceServerConfig, IceTransportPolicy } from '../shared/messages.js';
import { createMemoryRoomRegistry, type RoomRegistry } from './rooms.js';
import { helmetOptions, strictTransportSecurity } from './securityHeaders.js';
import { signaling } from './signaling.js';
import type { TurnSettings } from './turnCredentials.js';

export interface AppOptions {
  /** Folder of the built client; without it the server serves signaling only. */
  clientDir?: string;
  roomCapacity?: number;
  iceServers?: readonly IceServerConfig[];
  /** A TURN server sharing a secret with this one: every WELCOME carries fresh credentials for it. */
  turn?: TurnSettings | null;
  /** `relay`: every call relayed (default `all`). */
  iceTransportPolicy?: IceTransportPolicy;
  /** PEM certificate and key: serve https:// and wss:// instead of plain http. */
  tls?: { cert: string; key: string } | null;
  heartbeatIntervalMs?: number;
  allowedOrigins?: readonly string[];
  /** How long a dropped peer's seat waits for a resume (PROTOCOL.md, Resume). */
  resumeGraceMs?: number;
  /** Frames a socket may send at once, and per second after that. */
  rateLimitBurst?: number;
  rateLimitPerSecond?: number;
  maxSocketsPerIp?: number;
  /** New rooms one client IP may create per minute. */
  maxNewRoomsPerIp?: number;
  registry?: RoomRegistry;
  logger?: FastifyServerOptions['logger'];
  /** Behind a reverse proxy: whose X-Forwarded-For to believe (Fastify's `trustProxy`). */
  trustProxy?: boolean | string;
}

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  // On close, connections still open are cut: a browser's pre-opened connection that never sends a
  // request would otherwise hold the close until Node's header timeout (WebSockets get 1001 first).
  const common = { logger: options.logger ?? false, trustProxy: options.trustProxy ?? false, forceCloseConnections: true };
  // The https server answers the same requests as the http one; nothing here depends on which.
  const app = (options.tls ? Fastify({ ...common, https: options.tls }) : Fastify(common)) as FastifyInstance;

  // First, so its hooks see every route registered after it (and the /ws route can opt out).
  await app.register(fastifyHelmet, helmetOptions);
  app.addHook('onSend', strictTransportSecurity);
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_FRAME_BYTES },
    errorHandler(error, socket, request) {
      // A client's fault (an oversized frame, a reset) is routine: ws has already begun closing
      // with the right code, so let that close frame go out instead of cutting the socket.
      request.log.warn({ err: error }, 'signaling socket error');
      if (socket.readyState !== socket.CLOSING && socket.readyState !== socket.CLOSED) socket.terminate();
    },
    preClose(done) {
      for (const client of app.websocketServer.clients) {
        client.close(CLOSE_GOING_AWAY, 'Server is shutting down');
      }
      done();
    },
  });
  await app.register(signaling, {
    registry: options.registry ?? createMemoryRoomRegistry(options.roomCapacity ?? DEFAULTS.roomCapacity),
    iceServers: options.iceServers ?? [],
    turn: options.turn ?? null,
    iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
    allowedOrigins: options.allowedOrigins ?? [],
    resumeGraceMs: options.resumeGraceMs ?? DEFAULTS.resumeGraceMs,
    frameLimits: {
      burst: options.rateLimitBurst ?? DEFAULTS.rateLimitBurst,
      perSecond: options.rateLimitPerSecond ?? DEFAULTS.rateLimitPerSecond,
    },
    maxSocketsPerIp: options.maxSocketsPerIp ?? DEFAULTS.maxSocketsPerIp,
    maxNewRoomsPerIp: options.maxNewRoomsPerIp ?? DEFAULTS.maxNewRoomsPerIp,
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  if (options.clientDir) {
    await app.register(fastifyStatic, { root: options.clientDir, index: 'index.html' });
  }
  return app;
}
