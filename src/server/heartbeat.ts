/**
 * Pings every socket on an interval; a socket that has not answered the previous ping by the
 * next one is terminated, and its close handler frees its seat like any other close.
 */
import type { WebSocket } from 'ws';

export function startHeartbeat(sockets: () => Iterable<WebSocket>, intervalMs: number): () => void {
  const alive = new WeakMap<WebSocket, boolean>();
  const timer = setInterval(() => {
    for (const socket of sockets()) {
      if (alive.get(socket) === false) {
        socket.terminate();
        continue;
      }
      if (!alive.has(socket)) socket.on('pong', () => alive.set(socket, true));
      alive.set(socket, false);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
