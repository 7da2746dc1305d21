/**
 * Debian's haproxy with the project's own deploy/haproxy.cfg, in front of the given nodes, on a
 * free loopback port. Runs in the foreground as a child process and is stopped by its pid.
 */
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../server/support/stopChild.js';
import { freePort } from '../../support/freePort.js';
import { spawnTracked } from '../../support/testResources.js';

const config = fileURLToPath(new URL('../../../deploy/haproxy.cfg', import.meta.url));
const BINARY = process.env.HAPROXY_PATH ?? 'haproxy';

export interface LoadBalancer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startHaproxy(nodes: readonly [string, string]): Promise<LoadBalancer> {
  const port = await freePort();
  const { child } = spawnTracked(BINARY, ['-db', '-f', config], {
    env: { ...process.env, PEERCALL_LISTEN: `127.0.0.1:${port}`, PEERCALL_NODE1: nodes[0], PEERCALL_NODE2: nodes[1] },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => stopChild(child);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`Cannot start ${BINARY} (${error.message}). Install it with 'apt-get install haproxy' (npm test does), or set HAPROXY_PATH.`)));
  });
  failed.catch(() => {});
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  // Up once both nodes passed their health checks behind it.
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`haproxy exited with code ${child.exitCode} on start (config ${config}).`);
      const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`haproxy did not pass /healthz through on ${url} within 15 s.`);
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid!, stop };
}
