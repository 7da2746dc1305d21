/**
 * The signaling sockets open on this node, each with what the server binds to it. The one
 * record of open sockets: the heartbeat, the metrics and the shutdown read it, and ws keeps
 * none of its own (`clientTracking: false`), which would cost every socket a set entry, a
 * close listener and its closure more.
 */
import type { WebSocket } from 'ws';

export class OpenSockets<T = unknown> implements Iterable<WebSocket> {
  private readonly bound = new Map<WebSocket, T>();

  get size(): number {
    return this.bound.size;
  }

  add(socket: WebSocket, value: T): void {
    this.bound.set(socket, value);
  }

  get(socket: WebSocket): T | undefined {
    return this.bound.get(socket);
  }

  /** The socket closed; what was bound to it, if anything. */
  delete(socket: WebSocket): T | undefined {
    const value = this.bound.get(socket);
    this.bound.delete(socket);
    return value;
  }

  /** What is bound to each open socket. */
  values(): IterableIterator<T> {
    return this.bound.values();
  }

  [Symbol.iterator](): Iterator<WebSocket> {
    return this.bound.keys();
  }
}
