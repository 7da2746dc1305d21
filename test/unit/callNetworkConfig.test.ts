/**
 * The settings for calls between networks: TURN with a shared secret, the relay-only policy, and
 * a certificate for https://. Each bad value stops the server with a sentence naming the setting,
 * and the TURN secret never appears in one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLocalCertificate } from '../../scripts/localCertificate.js';
import { loadConfig } from '../../src/server/config.js';
import { configError } from './support/configError.js';

const SECRET = 'a-long-shared-secret-0123456789';
const TURN = { TURN_URLS: 'turn:turn.example.org:3478', TURN_SECRET: SECRET };

describe('TURN settings', () => {
  it('reads the URLs, the secret and a lifetime of a day by default', () => {
    const urls = 'turn:turn.example.org:3478?transport=udp, turn:turn.example.org:3478?transport=tcp,turns:turn.example.org:443?transport=tcp';
    expect(loadConfig({ TURN_URLS: urls, TURN_SECRET: SECRET }).turn).toEqual({
      urls: [
        'turn:turn.example.org:3478?transport=udp',
        'turn:turn.example.org:3478?transport=tcp',
        'turns:turn.example.org:443?transport=tcp',
      ],
      secret: SECRET,
      ttlS: 86_400,
    });
    expect(loadConfig({ ...TURN, TURN_URLS: 'turn:192.0.2.7,turn:[2001:db8::7]:3478' }).turn?.urls).toEqual(['turn:192.0.2.7', 'turn:[2001:db8::7]:3478']);
    expect(loadConfig({ ...TURN, TURN_TTL_S: '3600' }).turn?.ttlS).toBe(3600);
  });

  it.each([
    ['TURN_SECRET', { TURN_URLS: 'turn:turn.example.org' }, 'TURN_SECRET is not'],
    ['TURN_URLS', { TURN_SECRET: SECRET }, 'TURN_URLS is not'],
    ['TURN_SECRET', { ...TURN, TURN_SECRET: 'short' }, 'too short'],
    ['TURN_URLS', { ...TURN, TURN_URLS: 'stun:turn.example.org:3478' }, '"stun:turn.example.org:3478"'],
    ['TURN_URLS', { ...TURN, TURN_URLS: 'https://turn.example.org' }, 'turn: or turns:'],
    ['TURN_URLS', { ...TURN, TURN_URLS: 'turn:turn.example.org:99999' }, '"turn:turn.example.org:99999"'],
    ['TURN_URLS', { ...TURN, TURN_URLS: 'turn:turn.example.org?transport=sctp' }, 'transport=udp'],
    ['TURN_URLS', { ...TURN, TURN_URLS: 'turn:turn.example.org,,turn:b.example.org' }, '""'],
    ['TURN_TTL_S', { ...TURN, TURN_TTL_S: '10' }, 'from 60 to 604800'],
    ['TURN_TTL_S', { ...TURN, TURN_TTL_S: '1 day' }, '"1 day"'],
    ['ICE_TRANSPORT_POLICY', { ICE_TRANSPORT_POLICY: 'relay-only' }, '"relay-only"'],
    ['ICE_TRANSPORT_POLICY', { ICE_TRANSPORT_POLICY: 'relay' }, 'no TURN server'],
  ])('refuses %s in %j with a sentence that says what to do', (setting, env, says) => {
    const error = configError(env);

    expect(error.setting).toBe(setting);
    expect(error.message).toContain(setting);
    expect(error.message).toContain(says);
    expect(error.message).not.toContain(SECRET);
  });

  it('never puts the secret in a message, even a bad one', () => {
    const error = configError({ TURN_URLS: 'bad-url', TURN_SECRET: SECRET });
    expect(error.message).not.toContain(SECRET);
    expect(configError({ TURN_URLS: 'turn:a.example.org', TURN_SECRET: 'tiny-secret' }).message).not.toContain('tiny-secret');
  });

  it('relays every call when asked, with TURN_URLS or a TURN server in ICE_SERVERS', () => {
    expect(loadConfig({}).iceTransportPolicy).toBe('all');
    expect(loadConfig({ ...TURN, ICE_TRANSPORT_POLICY: 'relay' }).iceTransportPolicy).toBe('relay');
    const staticTurn = JSON.stringify([{ urls: 'turn:turn.example.org', username: 'u', credential: 'c' }]);
    expect(loadConfig({ ICE_SERVERS: staticTurn, ICE_TRANSPORT_POLICY: 'relay' }).iceTransportPolicy).toBe('relay');
  });
});

describe('TLS settings', () => {
  let dir: string;
  let cert: string;
  let key: string;
  let otherKey: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'peer-call-tls-config-'));
    ({ cert, key } = makeLocalCertificate(dir, ['localhost']));
    otherKey = join(dir, 'other-key.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', otherKey], { stdio: 'pipe' });
    writeFileSync(join(dir, 'not-pem.txt'), 'just some text\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a certificate and its key', () => {
    const { tls } = loadConfig({ TLS_CERT: cert, TLS_KEY: key });
    expect(tls?.cert).toContain('-----BEGIN CERTIFICATE-----');
    expect(tls?.key).toContain('PRIVATE KEY-----');
  });

  it.each([
    ['TLS_KEY', () => ({ TLS_CERT: cert }), 'TLS_KEY is not'],
    ['TLS_CERT', () => ({ TLS_KEY: key }), 'TLS_CERT is not'],
    ['TLS_CERT', () => ({ TLS_CERT: join(dir, 'missing.pem'), TLS_KEY: key }), 'cannot be read (ENOENT)'],
    ['TLS_KEY', () => ({ TLS_CERT: cert, TLS_KEY: dir }), 'cannot be read'],
    ['TLS_CERT', () => ({ TLS_CERT: join(dir, 'not-pem.txt'), TLS_KEY: key }), 'not a PEM file'],
    ['TLS_KEY', () => ({ TLS_CERT: cert, TLS_KEY: otherKey }), 'do not make a usable pair'],
    ['TLS_CERT', () => ({ TLS_CERT: key, TLS_KEY: key }), 'do not make a usable pair'],
  ])('refuses %s with a sentence (%#)', (setting, env, says) => {
    const error = configError(env());

    expect(error.setting).toBe(setting);
    expect(error.message).toContain(says);
  });
});
