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
import type { IceServerConfig } from '../shared/messages.js';
import { echoRoute } from './echo/echoRoute.js';
import { createMemoryRoomRegistry, type RoomRegistry } from './rooms.js';
import { helmetOptions } from './securityHeaders.js';
import { signaling } from './signaling.js';

export interface AppOptions {
  /** Folder of the built client; without it the server serves signaling only. */
  clientDir?: string;
  roomCapacity?: number;
  iceServers?: readonly IceServerConfig[];
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
  /** Test calls with the echo peer (`POST /echo`): on unless false. */
  echo?: boolean;
  /** How long one test call may last, and how many may run at once on this server. */
  echoMaxSeconds?: number;
  echoMaxCalls?: number;
}

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  // On close, connections still open are cut: a browser's pre-opened connection that never sends a
  // request would otherwise hold the close until Node's header timeout (WebSockets get 1001 first).
  const app = Fastify({ logger: options.logger ?? false, trustProxy: options.trustProxy ?? false, forceCloseConnections: true });

  // First, so its hooks see every route registered after it (and the /ws route can opt out).
  await app.register(fastifyHelmet, helmetOptions);
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
  const registry = options.registry ?? createMemoryRoomRegistry(options.roomCapacity ?? DEFAULTS.roomCapacity);
  await app.register(signaling, {
    registry,
    iceServers: options.iceServers ?? [],
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

  await app.register(echoRoute, {
    enabled: options.echo ?? DEFAULTS.echo,
    maxSeconds: options.echoMaxSeconds ?? DEFAULTS.echoMaxSeconds,
    maxCalls: options.echoMaxCalls ?? DEFAULTS.echoMaxCalls,
    registry,
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  if (options.clientDir) {
    await app.register(fastifyStatic, { root: options.clientDir, index: 'index.html' });
  }
  return app;
}
