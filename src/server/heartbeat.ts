/**
 * Pings every socket on an interval; a socket that has received nothing since the previous ping
 * (no pong, no frame) is terminated by the next, and its close handler frees its seat like any
 * other close.
 *
 * Liveness is read from the bytes the socket has received, not from a pong listener: any byte
 * proves the client is there, and a listener would grow every idle socket's listener table.
 * One timer for all sockets, and nothing per socket but its entry among those pinged.
 */

/** What the heartbeat needs of one socket. */
export interface Pingable {
  ping(): void;
  terminate(): void;
  /** Bytes received from the client so far, of any kind. */
  bytesReceived(): number;
}

export function startHeartbeat(sockets: () => Iterable<Pingable>, intervalMs: number): () => void {
  /** Each socket pinged at the last sweep, with its bytes received by then. */
  let pinged = new Map<Pingable, number>();
  const timer = setInterval(() => {
    const next = new Map<Pingable, number>();
    for (const socket of sockets()) {
      const received = socket.bytesReceived();
      if (pinged.get(socket) === received) {
        socket.terminate();
        continue;
      }
      next.set(socket, received);
      socket.ping();
    }
    pinged = next;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
