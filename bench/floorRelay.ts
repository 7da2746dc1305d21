/**
 * The floors of the relay benchmark: a bare relay with no validation, no rate limits, no resume.
 * It speaks just enough of the protocol for the benchmark's clients: JOIN gets a WELCOME with a
 * peer id, anything with `to` is forwarded as it came. It runs on `ws` alone (the floor), or
 * behind Fastify and `@fastify/websocket` (the floor on Fastify), the stack this server is built
 * on, so that what the framework's upgrade path costs a socket is seen apart from this server's own.
 *
 * Run as its own process by bench/floorRelayProcess.ts.
 */
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';

/** What the relay does with each socket; one per server, as it keeps the peer ids of all. */
function floorConnections(): (socket: WebSocket) => void {
  const byId = new Map<string, WebSocket>();
  let next = 0;
  return (socket) => {
    let id: string | undefined;
    socket.on('message', (data) => {
      const text = data.toString();
      const message = JSON.parse(text) as { message_type?: string; to?: string; content?: { room?: string } };
      if (message.message_type === 'JOIN') {
        id = `p${(next += 1)}`;
        byId.set(id, socket);
        socket.send(JSON.stringify({ message_type: 'WELCOME', content: { peer_id: id, room: message.content?.room, peers: [], ice_servers: [], resume: id } }));
      } else if (message.to !== undefined) {
        byId.get(message.to)?.send(text);
      }
    });
    socket.on('close', () => {
      if (id) byId.delete(id);
    });
    socket.on('error', () => {});
  };
}

export function startFloorRelay(port: number, host = '127.0.0.1'): WebSocketServer {
  const server = new WebSocketServer({ port, host, path: '/ws' });
  server.on('connection', floorConnections());
  return server;
}

/** The same relay as a Fastify route, with nothing else: no logger, no other plugin or hook. */
export async function startFastifyFloorRelay(port: number, host = '127.0.0.1'): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(fastifyWebsocket, { options: { clientTracking: false } });
  const onConnection = floorConnections();
  app.get('/ws', { websocket: true }, (socket) => onConnection(socket));
  await app.listen({ port, host });
  return app;
}
