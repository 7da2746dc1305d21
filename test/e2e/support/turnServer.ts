/**
 * A coturn on loopback with a secret of its own, for tests and benchmarks that hand the browser
 * TURN credentials themselves (through the server's static ICE servers), computed the way a
 * deployment computes them (TURN REST scheme).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { startCoturn } from './coturn.js';

export interface TurnServer {
  /** TCP and UDP port of the listener, on 127.0.0.1. */
  port: number;
  /** Credentials of the TURN REST scheme: `<expiry>:<user>` signed with the shared secret. */
  credentials(user: string, ttlSeconds?: number): { username: string; credential: string };
  stop(): Promise<void>;
}

export function restCredentials(secret: string, user: string, expiresAtSeconds: number) {
  const username = `${expiresAtSeconds}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

export async function startTurnServer(): Promise<TurnServer> {
  const secret = randomBytes(16).toString('hex');
  // The peers of these calls are on loopback, which a deployment's coturn denies.
  const coturn = await startCoturn({ secret, allowLoopbackPeers: true });
  return {
    port: coturn.port,
    credentials: (user, ttlSeconds = 3_600) => restCredentials(secret, user, Math.floor(Date.now() / 1_000) + ttlSeconds),
    stop: coturn.stop,
  };
}
