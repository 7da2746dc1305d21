/**
 * Builds the server: the call page, the signaling socket, the health check and the metrics. It
 * never reads the environment and never listens, so tests and `main.ts` build it the same way.
 */
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { CLOSE_GOING_AWAY, MAX_FRAME_BYTES } from '../shared/limits.js';
import { DEFAULTS } from './defaults.js';
import type { IceServerConfig, IceTransportPolicy } from '../shared/messages.js';
import { echoRoute } from './echo/echoRoute.js';
import { createSignalingMetrics } from './metrics.js';
import { OpenSockets } from './openSockets.js';
import { createRoomStore } from './roomStoreFactory.js';
import type { RoomStore } from './roomStore.js';
import { helmetOptions, strictTransportSecurity } from './securityHeaders.js';
import { closeOnSocketError, signaling } from './signaling.js';
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
  /** Share rooms with the other nodes of a deployment through this Redis (`redis://host:port`). */
  redisUrl?: string;
  /** A room store made by the caller; by default one in memory, or in Redis with `redisUrl`. */
  rooms?: RoomStore;
  logger?: FastifyServerOptions['logger'];
  /** Behind a reverse proxy: whose X-Forwarded-For to believe (Fastify's `trustProxy`). */
  trustProxy?: boolean | string;
  /** Test calls with the echo peer (`POST /echo`): on unless false. */
  echo?: boolean;
  /** How long one test call may last, and how many may run at once on this server. */
  echoMaxSeconds?: number;
  echoMaxCalls?: number;
}

const STORE_CONNECT_MS = 5_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** The signaling sockets open on this node (ws's own `websocketServer.clients` is off). */
    signalingSockets: OpenSockets;
  }
}

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  // On close, connections still open are cut: a browser's pre-opened connection that never sends a
  // request would otherwise hold the close until Node's header timeout (WebSockets get 1001 first).
  const common = { logger: options.logger ?? false, trustProxy: options.trustProxy ?? false, forceCloseConnections: true };
  // The https server answers the same requests as the http one; nothing here depends on which.
  const app = (options.tls ? Fastify({ ...common, https: options.tls }) : Fastify(common)) as FastifyInstance;
  const metrics = createSignalingMetrics();
  const rooms = options.rooms ?? (await createRoomStore(options, app.log, metrics.store));
  const sockets = new OpenSockets();
  app.decorate('signalingSockets', sockets);

  // First, so its hooks see every route registered after it (and the /ws route can opt out).
  await app.register(fastifyHelmet, helmetOptions);
  app.addHook('onSend', strictTransportSecurity);
  await app.register(fastifyWebsocket, {
    // The server keeps its own record of open sockets (OpenSockets), so ws need not.
    options: { maxPayload: MAX_FRAME_BYTES, clientTracking: false },
    errorHandler: (error, socket, request) => closeOnSocketError(error, socket, request.log),
    preClose(done) {
      for (const client of sockets) {
        client.close(CLOSE_GOING_AWAY, 'Server is shutting down');
      }
      done();
    },
  });
  await app.register(signaling, {
    rooms,
    sockets,
    metrics,
    iceServers: options.iceServers ?? [],
    turn: options.turn ?? null,
    iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
    allowedOrigins: options.allowedOrigins ?? [],
    frameLimits: {
      burst: options.rateLimitBurst ?? DEFAULTS.rateLimitBurst,
      perSecond: options.rateLimitPerSecond ?? DEFAULTS.rateLimitPerSecond,
    },
    maxSocketsPerIp: options.maxSocketsPerIp ?? DEFAULTS.maxSocketsPerIp,
    maxNewRoomsPerIp: options.maxNewRoomsPerIp ?? DEFAULTS.maxNewRoomsPerIp,
    roomCapacity: options.roomCapacity ?? DEFAULTS.roomCapacity,
  });

  await app.register(echoRoute, {
    enabled: options.echo ?? DEFAULTS.echo,
    maxSeconds: options.echoMaxSeconds ?? DEFAULTS.echoMaxSeconds,
    maxCalls: options.echoMaxCalls ?? DEFAULTS.echoMaxCalls,
    rooms,
  });

  // A node whose Redis is down still starts (and says so in /healthz): it takes calls once Redis is back.
  app.addHook('onReady', async () => {
    if (!(await rooms.connected(STORE_CONNECT_MS))) app.log.error(`The room store is not reachable after ${STORE_CONNECT_MS} ms; refusing calls until it is.`);
  });
  app.get('/healthz', async (_request, reply) => {
    const health = rooms.health();
    if (health.ok) return { status: 'ok' };
    return reply.code(503).send({ status: 'unavailable', reason: health.reason });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });

  if (options.clientDir) {
    await app.register(fastifyStatic, { root: options.clientDir, index: 'index.html' });
  }
  return app;
}
