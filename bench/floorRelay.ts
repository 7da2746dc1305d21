/**
 * The floor of the relay benchmark: a bare `ws` relay with no validation, no rate limits, no
 * resume, no Fastify. It speaks just enough of the protocol for the benchmark's clients: JOIN
 * gets a WELCOME with a peer id, anything with `to` is forwarded as it came.
 *
 * Run as its own process by bench/floorRelayProcess.ts.
 */
import { WebSocketServer, type WebSocket } from 'ws';

export function startFloorRelay(port: number, host = '127.0.0.1'): WebSocketServer {
  const byId = new Map<string, WebSocket>();
  let next = 0;
  const server = new WebSocketServer({ port, host, path: '/ws' });
  server.on('connection', (socket) => {
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
  });
  return server;
}
