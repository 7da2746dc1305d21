/**
 * Pings every socket on an interval; a socket that has not answered the previous ping by the
 * next one is terminated, and its close handler frees its seat like any other close.
 *
 * One timer and one shared pong listener for all sockets: nothing per socket but its place in
 * the set of those that owe a pong (a socket gone since the last sweep drops out at the next).
 */
import type { WebSocket } from 'ws';

export function startHeartbeat(sockets: () => Iterable<WebSocket>, intervalMs: number): () => void {
  let owing = new Set<WebSocket>();
  function answered(this: WebSocket) {
    owing.delete(this);
  }
  const timer = setInterval(() => {
    const pinged = new Set<WebSocket>();
    for (const socket of sockets()) {
      if (owing.has(socket)) {
        socket.terminate();
        continue;
      }
      if (socket.listenerCount('pong', answered) === 0) socket.on('pong', answered);
      pinged.add(socket);
      socket.ping();
    }
    owing = pinged;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
