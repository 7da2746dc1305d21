/**
 * Debian's coturn for the tests: started on a free port with a secret shared with the call
 * server (TURN REST credentials), in a temp dir with its pidfile, stopped by its pid (and
 * recorded, so a killed run's coturn is stopped by the next run). On loopback, or inside a test
 * network's server host. The command line is TESTING.md's; only `--allow-loopback-peers` is
 * test-only (for peers on loopback).
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { makeTempDir, spawnTracked } from '../../support/testResources.js';
import { watchProcess } from './backgroundProcess.js';
import { freePort } from './serverProcess.js';
import type { TestNetwork } from './testNetwork.js';

export interface CoturnOptions {
  secret: string;
  /** Only for peers on loopback; production denies loopback and private peers. */
  allowLoopbackPeers?: boolean;
  /** Run inside this network's server host, on its address; on 127.0.0.1 otherwise. */
  network?: TestNetwork;
  /**
   * A coturn configuration file to run with, and the certificate for its TLS port; the test's
   * own addresses, ports, files and secret are given after it, so they take the place of its own.
   */
  config?: { file: string; cert: string; key: string };
}

export interface Coturn {
  port: number;
  /** `turn:<ip>:<port>?transport=<transport>` */
  url(transport: 'udp' | 'tcp'): string;
  /** What coturn has logged so far, for a failing test to show. */
  log(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/** Each coturn of a run relays from its own stretch of ports, so two never compete for one. */
function relayPorts(): { min: number; max: number } {
  const min = 49_152 + Math.floor(Math.random() * 60) * 200;
  return { min, max: min + 199 };
}

async function connectable(host: string, port: number): Promise<boolean> {
  const socket = connect({ host, port });
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

export async function startCoturn(options: CoturnOptions): Promise<Coturn> {
  const { network } = options;
  const listeningIp = network?.serverAddress ?? '127.0.0.1';
  const port = await freePort();
  const dir = makeTempDir('coturn');
  const pidfile = join(dir, 'turnserver.pid');
  const { min, max } = relayPorts();
  const { config } = options;
  const tlsArgs = config
    ? ['-c', config.file, `--tls-listening-port=${await freePort()}`, `--cert=${config.cert}`, `--pkey=${config.key}`]
    : ['-n', '--no-tls', '--no-dtls'];
  const args = [
    ...tlsArgs, `--listening-ip=${listeningIp}`, `--relay-ip=${listeningIp}`, `--listening-port=${port}`,
    `--min-port=${min}`, `--max-port=${max}`, '--use-auth-secret', `--static-auth-secret=${options.secret}`,
    '--realm=peer-call.test', '--fingerprint', '--no-cli', '--no-multicast-peers',
    ...(options.allowLoopbackPeers ? ['--allow-loopback-peers'] : []),
    '--log-file=stdout', '--simple-log', `--pidfile=${pidfile}`,
    // Its own database in the temp dir, not one in /var/lib that it may not create.
    `--userdb=${join(dir, 'turndb')}`,
  ];
  const server = watchProcess(network ? network.spawnIn('server', 'turnserver', args) : spawnTracked('turnserver', args), dir);
  const { child, stop } = server;

  const listening = network ? async () => network.listensInServerHost(port) : () => connectable(listeningIp, port);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await listening())) {
    const spawnError = server.spawnError();
    const failure = spawnError
      ? spawnError.code === 'ENOENT'
        ? "turnserver (coturn) was not found; 'npm test' installs it, or run 'apt-get install coturn'."
        : `turnserver could not be started: ${spawnError.message}`
      : child.exitCode !== null
        ? `turnserver exited with code ${child.exitCode} on start:\n${server.output()}`
        : Date.now() > deadline
          ? `turnserver did not listen on ${listeningIp}:${port} within ${START_TIMEOUT_MS} ms:\n${server.output()}`
          : undefined;
    if (failure) {
      await stop();
      throw new Error(failure);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The pidfile names the process the test started (and stops by its pid).
  const written = Number(readFileSync(pidfile, 'utf8').trim());
  if (written !== child.pid) {
    await stop();
    throw new Error(`turnserver wrote pid ${written} to its pidfile, but the test started pid ${child.pid}.`);
  }

  return {
    port,
    url: (transport) => `turn:${listeningIp}:${port}?transport=${transport}`,
    log: server.output,
    stop,
  };
}
