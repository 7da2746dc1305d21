import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../../bench/delayProxy.js';

/** An echo server on a free loopback port. */
async function echoServer() {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the benchmark’s delaying proxy', () => {
  it('with jitter, still delivers a stream whole and in order, both ways, and passes the end on', async () => {
    const echo = await echoServer();
    cleanups.push(echo.close);
    const proxy: DelayProxy = await startDelayProxy(echo.port, { delayMs: 2, jitterMs: 5 });
    cleanups.push(proxy.close);

    const client = connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
    await once(client, 'connect');
    const received: Buffer[] = [];
    client.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = once(client, 'end');
    const sent = Array.from({ length: 200 }, (_, n) => `${n};`).join('');
    for (const part of sent.match(/.{1,7}/g)!) {
      client.write(part);
      // Separate chunks, so each gets its own jitter.
      await new Promise((resolve) => setImmediate(resolve));
    }
    client.end();
    await ended;
    client.destroy();
    expect(Buffer.concat(received).toString()).toBe(sent);
  });

  it('closes every connection it holds when closed', async () => {
    const echo = await echoServer();
    cleanups.push(echo.close);
    const proxy = await startDelayProxy(echo.port, { delayMs: 1 });
    const client = connect({ port: proxy.port, host: '127.0.0.1' });
    await once(client, 'connect');
    const closed = once(client, 'close');
    await proxy.close();
    await closed;
    expect(client.destroyed).toBe(true);
  });
});
