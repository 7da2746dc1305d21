import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A loopback port that nothing listens on, chosen below the kernel's ephemeral range (32768 and
 * up) so that no outgoing connection of this or a concurrent run takes it between the probe and
 * the server's own listen, nor while a test restarts a server on it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const probe = createServer();
    probe.listen(port, '127.0.0.1');
    const free = await Promise.race([once(probe, 'listening').then(() => true), once(probe, 'error').then(() => false)]);
    await new Promise((resolve) => probe.close(resolve));
    if (free) return port;
  }
  throw new Error('No free port between 20000 and 32000 after 50 tries.');
}
