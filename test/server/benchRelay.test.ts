/**
 * The pieces of `npm run bench:relay` work, on a small scale: the floor relay and this server
 * both relay the benchmark's rounds (which pass the server's validation), the closed loop and
 * the paced load count what arrives, and the process figures come from /proc.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFastifyFloorRelay, startFloorRelay } from '../../bench/floorRelay.js';
import { cpuMicros, rssBytes } from '../../bench/processStats.js';
import { closeAll as closeSockets, closedLoop, openIdle, openPairs, paced, peerCallProtocol as protocol, peerJsProtocol, percentile } from '../../bench/relayLoad.js';
import type { Server } from 'node:http';
import { PeerServer } from 'peer';
import { closeAll, startServer } from './helpers.js';
import { freePort } from '../support/freePort.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await closeAll();
});

async function floor(): Promise<string> {
  const port = await freePort();
  const relay = startFloorRelay(port);
  await new Promise((resolve) => relay.once('listening', resolve));
  cleanups.push(() => new Promise((resolve) => relay.close(() => resolve())));
  for (const client of relay.clients) client.terminate();
  return `ws://127.0.0.1:${port}/ws`;
}

async function fastifyFloor(): Promise<string> {
  const port = await freePort();
  const app = await startFastifyFloorRelay(port);
  cleanups.push(() => app.close());
  return `ws://127.0.0.1:${port}/ws`;
}

describe('relay benchmark pieces', () => {
  it('relays closed-loop rounds through both floors and through this server, every message timed', async () => {
    const server = await startServer({ rateLimitBurst: 100_000, rateLimitPerSecond: 100_000 });
    for (const url of [await floor(), await fastifyFloor(), server.url]) {
      const pairs = await openPairs(protocol, url, url, 2, 'bench-test');
      const sockets = pairs.flatMap((pair) => [pair.a, pair.b]);
      cleanups.push(() => closeSockets(sockets));
      const errors: string[] = [];
      for (const ws of sockets) ws.on('message', (data) => data.toString().includes('"ERROR"') && errors.push(data.toString()));
      const result = await closedLoop(protocol, pairs, 300);

      expect(result.messages).toBeGreaterThan(10);
      expect(result.latenciesMs).toHaveLength(result.messages);
      expect(percentile(result.latenciesMs, 50)).toBeGreaterThan(0);
      // The rounds pass the server's full validation.
      expect(errors).toEqual([]);
    }
  });

  it('speaks PeerJS server’s protocol to it, the yardstick', async () => {
    const port = await freePort();
    const server = await new Promise<Server>((resolve) => PeerServer({ port, host: '127.0.0.1', path: '/' }, resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const url = `ws://127.0.0.1:${port}/peerjs`;
    const pairs = await openPairs(peerJsProtocol, url, url, 2, 'bench-test');
    cleanups.push(() => closeSockets(pairs.flatMap((pair) => [pair.a, pair.b])));
    const result = await closedLoop(peerJsProtocol, pairs, 300);
    expect(result.messages).toBeGreaterThan(10);
    expect(result.latenciesMs).toHaveLength(result.messages);
  });

  it('offers the paced rate and counts what is delivered', async () => {
    const url = await floor();
    const pairs = await openPairs(protocol, url, url, 2, 'bench-test');
    cleanups.push(() => closeSockets(pairs.flatMap((pair) => [pair.a, pair.b])));
    const result = await paced(protocol, pairs, 200, 500);
    expect(result.messages).toBe(100);
  });

  it('opens idle joined sockets two to a room, and reads CPU time and memory from /proc', async () => {
    const server = await startServer();
    const sockets = await openIdle(protocol, [server.url], 6, 'idle-test');
    cleanups.push(() => closeSockets(sockets));
    await server.openSockets(6);
    expect(await cpuMicros(process.pid)).toBeGreaterThan(0);
    expect(await rssBytes(process.pid)).toBeGreaterThan(10 * 2 ** 20);
  });
});
