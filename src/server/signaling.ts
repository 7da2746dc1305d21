/** The `/ws` route: binds each WebSocket to a signaling session. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { SIGNALING_PATH } from '../shared/limits.js';
import type { IceServerConfig, ServerMessage } from '../shared/messages.js';
import { startHeartbeat } from './heartbeat.js';
import { isOriginAllowed } from './origin.js';
import type { RoomRegistry } from './rooms.js';
import { createSignalingSession } from './signalingSession.js';

export interface SignalingOptions {
  registry: RoomRegistry;
  iceServers: readonly IceServerConfig[];
  heartbeatIntervalMs: number;
  allowedOrigins: readonly string[];
}

const newPeerId = () => randomBytes(9).toString('base64url');
const newResumeToken = () => randomBytes(24).toString('base64url');

export async function signaling(app: FastifyInstance, options: SignalingOptions): Promise<void> {
  const stopHeartbeat = startHeartbeat(() => app.websocketServer.clients, options.heartbeatIntervalMs);
  app.addHook('onClose', async () => stopHeartbeat());

  app.get(
    SIGNALING_PATH,
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (!isOriginAllowed(request.headers.origin, request.headers.host, options.allowedOrigins)) {
          request.log.warn({ origin: request.headers.origin }, 'refused a signaling socket from another origin');
          await reply.code(403).send({
            error: 'Forbidden',
            message: `Origin ${request.headers.origin} may not open a signaling socket here; add it to ALLOWED_ORIGINS on the server to allow it.`,
          });
        }
      },
    },
    (socket: WebSocket) => {
      const send = (message: ServerMessage) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
      };
      const session = createSignalingSession(send, {
        registry: options.registry,
        iceServers: options.iceServers,
        newPeerId,
        newResumeToken,
      });
      // Listeners go on before anything can await, so no frame is missed. Socket errors go to
      // the plugin's errorHandler (app.ts).
      socket.on('message', (data, isBinary) => {
        if (isBinary) session.receiveBinary();
        else session.receiveText(data.toString());
      });
      socket.on('close', () => session.closed());
    },
  );
}
