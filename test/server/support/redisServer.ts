/**
 * A real redis-server from Debian for a test: on a free loopback port, in a temp dir, with no
 * persistence; stopped by the pid of the child process, and its dir removed.
 */
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { freePort } from '../../support/freePort.js';
import { makeTempDir, spawnTracked } from '../../support/testResources.js';
import { stopChild } from './stopChild.js';

export interface RedisServer {
  url: string;
  port: number;
  readonly pid: number;
  /** Stops the process (Redis is down), keeping its port and dir for `resume`. */
  pause(): Promise<void>;
  /** Starts it again on the same port, empty (it keeps nothing). */
  resume(): Promise<void>;
  /** Stops it for good and removes its dir. */
  stop(): Promise<void>;
}

const BINARY = process.env.REDIS_SERVER_PATH ?? 'redis-server';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const { child } = spawnTracked(BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new Error(`Cannot start ${BINARY} (${error.message}). Install it with 'apt-get install redis-server' (npm test does), or set REDIS_SERVER_PATH.`)),
    );
    child.once('exit', (code) => reject(new Error(`${BINARY} exited with code ${code} on start (port ${port}).`)));
  });
  const deadline = Date.now() + 10_000;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (await accepts(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${BINARY} did not accept connections on port ${port} within 10 s.`);
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  failed.catch(() => {});
  return child;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = makeTempDir('redis');
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = await launch(port, dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid!;
    },
    pause: () => stopChild(child),
    async resume() {
      await stopChild(child);
      child = await launch(port, dir);
    },
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
