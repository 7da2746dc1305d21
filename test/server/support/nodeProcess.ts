/**
 * A signaling node as a real process (`src/server/main.ts` through tsx), for tests that kill
 * one. Stopped by its pid; every wait bounded.
 */
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/freePort.js';
import { spawnTracked } from '../../support/testResources.js';
import { stopChild } from './stopChild.js';

const mainTs = fileURLToPath(new URL('../../../src/server/main.ts', import.meta.url));

export interface NodeProcess {
  origin: string;
  url: string;
  pid: number;
  /** Sends the signal (SIGKILL: a node that dies) and waits, bounded, for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const { child } = spawnTracked(process.execPath, ['--import', 'tsx', mainTs], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => stopChild(child, signal);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The node exited with code ${child.exitCode} on start.`);
    const healthy = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (healthy) return { origin, url: `ws://127.0.0.1:${port}/ws`, pid: child.pid!, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop('SIGKILL');
  throw new Error(`The node did not answer on ${origin}/healthz within 20 s.`);
}
