/**
 * A real coturn (Debian's `turnserver`) on loopback for one test or benchmark run, with the
 * TURN REST shared secret, so credentials are computed here the way a deployment computes them.
 * It is started on a free port and stopped by its pid.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './serverProcess.js';

export interface TurnServer {
  /** TCP and UDP port of the listener, on 127.0.0.1. */
  port: number;
  pid: number;
  /** Credentials of the TURN REST scheme: `<expiry>:<user>` signed with the shared secret. */
  credentials(user: string, ttlSeconds?: number): { username: string; credential: string };
  stop(): Promise<void>;
}

export function restCredentials(secret: string, user: string, expiresAtSeconds: number) {
  const username = `${expiresAtSeconds}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

async function acceptsConnections(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

export async function startTurnServer(): Promise<TurnServer> {
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'call-turn-'));
  // A relay port range of its own, so runs beside each other rarely compete for ports.
  const minPort = 40_000 + Math.floor(Math.random() * 100) * 200;
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 199}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=peer-call.test',
      '--fingerprint',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      // Only because the test peers are on loopback; a deployment denies these addresses.
      '--allow-loopback-peers',
      '--no-multicast-peers',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=${join(dir, 'turnserver.pid')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) =>
      reject(
        new Error(
          `Cannot start coturn (turnserver): ${error.message}. Install it with 'apt-get install coturn' ` +
            `(npm run test:e2e does it).`,
        ),
      ),
    );
  });
  const exited = once(child, 'exit');
  const stop = async () => {
    // A binary that never started has no pid and no exit to wait for.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timeout);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await spawned;
    const deadline = Date.now() + 10_000;
    while (!(await acceptsConnections(port))) {
      if (child.exitCode !== null) throw new Error(`coturn exited with code ${child.exitCode} on start:\n${output}`);
      if (Date.now() > deadline) throw new Error(`coturn did not listen on port ${port} within 10 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    pid: child.pid!,
    credentials: (user, ttlSeconds = 3_600) => restCredentials(secret, user, Math.floor(Date.now() / 1000) + ttlSeconds),
    stop,
  };
}
