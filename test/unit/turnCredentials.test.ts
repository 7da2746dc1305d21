/** TURN REST credentials with a fixed clock: the exact username, HMAC and expiry coturn checks. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTurnCredentials } from '../../src/server/turnCredentials.js';

const SETTINGS = { urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:443?transport=tcp'], secret: 'a-long-shared-secret-0123456789', ttlS: 3600 };
// 2026-12-01T12:00:00.750Z
const NOW_MS = 1_796_126_400_750;

describe('createTurnCredentials', () => {
  it('names the expiry and the peer in the username and signs it with the secret', () => {
    const credentials = createTurnCredentials(SETTINGS, () => NOW_MS);

    const server = credentials('peer-1');

    expect(server).toEqual({
      urls: SETTINGS.urls,
      username: '1796130000:peer-1',
      // base64(HMAC-SHA1(secret, username)), worked out independently of the module.
      credential: createHmac('sha1', SETTINGS.secret).update('1796130000:peer-1').digest('base64'),
    });
    expect(server.credential).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it('makes each later credential expire later, by the clock', () => {
    let now = NOW_MS;
    const credentials = createTurnCredentials(SETTINGS, () => now);
    const first = credentials('peer-1');
    now += 90_000;
    const later = credentials('peer-1');

    expect(first.username).toBe('1796130000:peer-1');
    expect(later.username).toBe('1796130090:peer-1');
    expect(later.credential).not.toBe(first.credential);
  });

  it('gives each peer its own credential, and a different secret signs differently', () => {
    const credentials = createTurnCredentials(SETTINGS, () => NOW_MS);
    const other = createTurnCredentials({ ...SETTINGS, secret: 'another-secret-of-enough-length' }, () => NOW_MS);

    expect(credentials('peer-1').credential).not.toBe(credentials('peer-2').credential);
    expect(other('peer-1').username).toBe(credentials('peer-1').username);
    expect(other('peer-1').credential).not.toBe(credentials('peer-1').credential);
  });

  it('hands out a copy of the URLs, so a caller cannot change them for the next peer', () => {
    const credentials = createTurnCredentials(SETTINGS, () => NOW_MS);
    const urls = credentials('peer-1').urls as string[];
    urls.push('turn:evil.example.org');

    expect(credentials('peer-2').urls).toEqual(SETTINGS.urls);
  });
});
