/**
 * A TCP proxy that holds every chunk for a one-way delay (plus optional jitter) in each
 * direction: put in front of a server on loopback, it gives each client a link with that
 * round-trip time. Jitter never reorders a stream, as TCP itself would not: a chunk leaves no
 * earlier than the one before it.
 */
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface DelayOptions {
  /** One-way delay in ms (half the round-trip time). */
  delayMs: number;
  /** Up to this many ms more (uniformly drawn), per chunk. */
  jitterMs?: number;
  random?: () => number;
}

export interface DelayProxy {
  port: number;
  close(): Promise<void>;
}

function delayedPipe(from: Socket, to: Socket, options: DelayOptions) {
  const random = options.random ?? Math.random;
  // One queue and one timer per direction: chunks leave strictly in the order they came.
  const queue: { due: number; chunk: Buffer | null }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const release = () => {
    timer = undefined;
    while (queue.length && queue[0]!.due <= performance.now()) {
      const { chunk } = queue.shift()!;
      if (to.destroyed) continue;
      if (chunk) to.write(chunk);
      else to.end();
    }
    if (queue.length) timer = setTimeout(release, queue[0]!.due - performance.now());
  };
  const enqueue = (chunk: Buffer | null) => {
    const last = queue.at(-1)?.due ?? 0;
    queue.push({ due: Math.max(last, performance.now() + options.delayMs + random() * (options.jitterMs ?? 0)), chunk });
    timer ??= setTimeout(release, queue[0]!.due - performance.now());
  };
  from.on('data', (chunk: Buffer) => enqueue(chunk));
  // An end travels like data, after everything sent before it.
  from.on('end', () => enqueue(null));
}

export async function startDelayProxy(targetPort: number, options: DelayOptions, host = '127.0.0.1'): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket, other: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset on one side resets the other, as it would end to end.
    socket.on('error', () => {
      socket.destroy();
      other.destroy();
    });
  };
  // Half-open sockets, so an end travels with the same delay as the data before it.
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const upstream = connect({ port: targetPort, host, noDelay: true, allowHalfOpen: true });
    track(client, upstream);
    track(upstream, client);
    delayedPipe(client, upstream, options);
    delayedPipe(upstream, client, options);
  });
  server.listen(0, host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
