/**
 * The real server as its own process (`node dist/server/main.js`), for tests that kill it or run
 * it inside a test host. Every process started here is stopped by its pid, and recorded so that a
 * killed run's servers are stopped by the next run.
 */
import type { SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnTracked } from '../../support/testResources.js';

export { freePort } from '../../support/freePort.js';
import type { TestNetwork } from './testNetwork.js';

const mainJs = fileURLToPath(new URL('../../../dist/server/main.js', import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  /** Sends the signal and waits (bounded) for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerProcessOptions {
  env?: Record<string, string>;
  /** Run inside this network's server host, listening on its address. */
  network?: TestNetwork;
}

export async function startServerProcess(port: number, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const { network } = options;
  const host = network?.serverAddress ?? '127.0.0.1';
  const env = { ...process.env, PORT: String(port), HOST: host, LOG_LEVEL: 'warn', ...options.env };
  const spawnOptions: SpawnOptions = { env, stdio: ['ignore', 'inherit', 'inherit'] };
  const { child, exited } = network
    ? network.spawnIn('server', process.execPath, [mainJs], spawnOptions)
    : spawnTracked(process.execPath, [mainJs], spawnOptions);
  const url = `http://${host}:${port}`;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timeout);
  };
  // From this machine's namespace a test host's server cannot be reached: ask its host instead.
  const listening = network ? async () => network.listensInServerHost(port) : async () => (await fetch(`${url}/healthz`)).ok;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} on start.`);
    try {
      if (await listening()) return { url, pid: child.pid!, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop('SIGKILL');
  throw new Error(`The server did not listen on ${url} within 10 s.`);
}
