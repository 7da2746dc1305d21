/**
 * Builds the server: the call page, the signaling socket and the health check. It never reads
 * the environment and never listens, so tests and `main.ts` build it the same way.
 */
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { CLOSE_GOING_AWAY, MAX_FRAME_BYTES } from '../shared/limits.js';
import type { IceServerConfig } from '../shared/messages.js';
import { createMemoryRoomRegistry, type RoomRegistry } from './rooms.js';
import { signaling } from './signaling.js';

export interface AppOptions {
  /** Folder of the built client; without it the server serves signaling only. */
  clientDir?: string;
  roomCapacity?: number;
  iceServers?: readonly IceServerConfig[];
  heartbeatIntervalMs?: number;
  allowedOrigins?: readonly string[];
  registry?: RoomRegistry;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });

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
    registry: options.registry ?? createMemoryRoomRegistry(options.roomCapacity ?? 2),
    iceServers: options.iceServers ?? [],
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 10_000,
    allowedOrigins: options.allowedOrigins ?? [],
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  if (options.clientDir) {
    await app.register(fastifyStatic, { root: options.clientDir, index: 'index.html' });
  }
  return app;
}
