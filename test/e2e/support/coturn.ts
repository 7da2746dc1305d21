/**
 * Debian's coturn for a test: started on a free loopback port with its files in a temp folder of
 * the run, stopped by its pid. Credentials follow the TURN REST scheme (a shared secret).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, spawnTracked } from '../../support/testResources.js';
import { freePort } from './serverProcess.js';

export interface Coturn {
  /** An RTCIceServer with credentials valid for an hour. */
  iceServer: { urls: string; username: string; credential: string };
  stop(): Promise<void>;
}

const READY = /Total General servers/;

export async function startCoturn(): Promise<Coturn> {
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const dir = makeTempDir('coturn');
  const args = [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
    // Relay ports just above the listening one: below the ephemeral range, like it.
    `--min-port=${port + 1}`, `--max-port=${port + 200}`,
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=peer-call.test',
    '--fingerprint', '--no-tls', '--no-dtls', '--no-cli', '--no-multicast-peers',
    // Only because both ends of the test call are on loopback; never in production.
    '--allow-loopback-peers',
    '--log-file=stdout', '--simple-log', `--pidfile=${join(dir, 'turnserver.pid')}`, `--userdb=${join(dir, 'turndb')}`,
  ];
  const { child, exited } = spawnTracked('turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(kill);
    rmSync(dir, { recursive: true, force: true });
  };

  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (READY.test(output)) resolve();
    });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error("turnserver was not found; install Debian's coturn (npm run test:e2e does it).") : error),
    );
    child.once('exit', (code) => reject(new Error(`turnserver exited with code ${code} on start:\n${output.slice(-2_000)}`)));
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('turnserver did not start within 10 s.')), 10_000).unref());
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  }
  const username = `${Math.floor(Date.now() / 1_000) + 3_600}:echo-test`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { iceServer: { urls: `turn:127.0.0.1:${port}?transport=udp`, username, credential }, stop };
}
