/**
 * Short-lived TURN credentials by the TURN REST scheme that coturn implements with
 * `use-auth-secret`: the username is `<expiry in unix seconds>:<peer id>` and the credential is
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC with the same secret and
 * refuses the username once its expiry has passed, so the app and coturn share only the secret.
 */
import { createHmac } from 'node:crypto';
import type { IceServerConfig } from '../shared/messages.js';

export interface TurnSettings {
  /** `turn:`/`turns:` URLs of one coturn (or several sharing the secret). */
  urls: readonly string[];
  secret: string;
  /** How long a credential is good for, in seconds. */
  ttlS: number;
}

/** `nowMs` is the clock (milliseconds since the epoch), given so tests can fix it. */
export function createTurnCredentials(settings: TurnSettings, nowMs: () => number) {
  return (peerId: string): IceServerConfig => {
    const expiry = Math.floor(nowMs() / 1000) + settings.ttlS;
    const username = `${expiry}:${peerId}`;
    const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
    return { urls: [...settings.urls], username, credential };
  };
}
