/** Start-up configuration: sensible defaults, and a refusal that names the bad setting. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { configError } from './support/configError.js';

describe('loadConfig', () => {
  it('trusts no proxy by default, and the proxies it is told to', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toBe('127.0.0.1, 10.0.0.0/8,::1');
  });

  it('defaults to a 1:1 call on 127.0.0.1:1337 with no ICE servers', () => {
    expect(loadConfig({})).toEqual({
      port: 1337,
      host: '127.0.0.1',
      roomCapacity: 2,
      iceServers: [],
      turn: null,
      iceTransportPolicy: 'all',
      tls: null,
      heartbeatIntervalMs: 10_000,
      allowedOrigins: [],
      resumeGraceMs: 15_000,
      rateLimitBurst: 60,
      rateLimitPerSecond: 20,
      maxSocketsPerIp: 20,
      maxNewRoomsPerIp: 30,
      logLevel: 'info',
      trustProxy: false,
      echo: true,
      echoMaxSeconds: 120,
      echoMaxCalls: 4,
      redisUrl: undefined,
    });
  });

  it('treats empty settings as unset', () => {
    expect(loadConfig({ PORT: '', ROOM_CAPACITY: ' ', ICE_SERVERS: '', ALLOWED_ORIGINS: '' })).toEqual(loadConfig({}));
  });

  it('reads every setting', () => {
    const iceServers = [{ urls: ['stun:stun.example.org:3478', 'turns:turn.example.org:5349'], username: 'u', credential: 'c' }];
    expect(
      loadConfig({
        PORT: '8080',
        HOST: '0.0.0.0',
        ROOM_CAPACITY: '4',
        ICE_SERVERS: JSON.stringify(iceServers),
        HEARTBEAT_INTERVAL_MS: '5000',
        ALLOWED_ORIGINS: 'https://call.example.org, http://localhost:5173',
        RESUME_GRACE_MS: '30000',
        RATE_LIMIT_BURST: '120',
        RATE_LIMIT_PER_SECOND: '40',
        MAX_SOCKETS_PER_IP: '100',
        MAX_NEW_ROOMS_PER_IP: '5',
        LOG_LEVEL: 'warn',
        TRUST_PROXY: '10.0.0.1',
        ECHO: 'off',
        ECHO_MAX_SECONDS: '30',
        ECHO_MAX_CALLS: '10',
        REDIS_URL: 'redis://:secret@redis.internal:6380/2',
      }),
    ).toEqual({
      port: 8080,
      host: '0.0.0.0',
      roomCapacity: 4,
      iceServers,
      turn: null,
      iceTransportPolicy: 'all',
      tls: null,
      heartbeatIntervalMs: 5000,
      allowedOrigins: ['https://call.example.org', 'http://localhost:5173'],
      resumeGraceMs: 30_000,
      rateLimitBurst: 120,
      rateLimitPerSecond: 40,
      maxSocketsPerIp: 100,
      maxNewRoomsPerIp: 5,
      logLevel: 'warn',
      trustProxy: '10.0.0.1',
      echo: false,
      echoMaxSeconds: 30,
      echoMaxCalls: 10,
      redisUrl: 'redis://:secret@redis.internal:6380/2',
    });
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '80.5' }],
    ['ROOM_CAPACITY', { ROOM_CAPACITY: '1' }],
    ['ROOM_CAPACITY', { ROOM_CAPACITY: 'two' }],
    ['HEARTBEAT_INTERVAL_MS', { HEARTBEAT_INTERVAL_MS: '10' }],
    ['ICE_SERVERS', { ICE_SERVERS: 'stun:stun.example.org' }],
    ['ICE_SERVERS', { ICE_SERVERS: '{"urls": "stun:stun.example.org"}' }],
    ['ICE_SERVERS', { ICE_SERVERS: '[{"url": "stun:stun.example.org"}]' }],
    ['ICE_SERVERS', { ICE_SERVERS: '[{"urls": "http://stun.example.org"}]' }],
    ['ICE_SERVERS', { ICE_SERVERS: '[{"urls": ["stun:ok.example.org", "ftp://no.example.org"]}]' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://call.example.org/app' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'call.example.org' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['RESUME_GRACE_MS', { RESUME_GRACE_MS: '-1' }],
    ['RESUME_GRACE_MS', { RESUME_GRACE_MS: '15s' }],
    ['RESUME_GRACE_MS', { RESUME_GRACE_MS: '600001' }],
    ['RATE_LIMIT_BURST', { RATE_LIMIT_BURST: '5' }],
    ['RATE_LIMIT_BURST', { RATE_LIMIT_BURST: 'lots' }],
    ['RATE_LIMIT_BURST', { RATE_LIMIT_BURST: '60.5' }],
    ['RATE_LIMIT_PER_SECOND', { RATE_LIMIT_PER_SECOND: '0' }],
    ['RATE_LIMIT_PER_SECOND', { RATE_LIMIT_PER_SECOND: '1e6' }],
    ['MAX_SOCKETS_PER_IP', { MAX_SOCKETS_PER_IP: '0' }],
    ['MAX_SOCKETS_PER_IP', { MAX_SOCKETS_PER_IP: 'twenty' }],
    ['MAX_NEW_ROOMS_PER_IP', { MAX_NEW_ROOMS_PER_IP: '0' }],
    ['MAX_NEW_ROOMS_PER_IP', { MAX_NEW_ROOMS_PER_IP: '-30' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'yes' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/40' }],
    ['TRUST_PROXY', { TRUST_PROXY: '127.0.0.1,proxy.example.org' }],
    ['ECHO', { ECHO: 'yes' }],
    ['ECHO', { ECHO: 'false' }],
    ['ECHO_MAX_SECONDS', { ECHO_MAX_SECONDS: '0' }],
    ['ECHO_MAX_SECONDS', { ECHO_MAX_SECONDS: '2m' }],
    ['ECHO_MAX_SECONDS', { ECHO_MAX_SECONDS: '3601' }],
    ['ECHO_MAX_CALLS', { ECHO_MAX_CALLS: '0' }],
    ['ECHO_MAX_CALLS', { ECHO_MAX_CALLS: 'four' }],
    ['REDIS_URL', { REDIS_URL: '127.0.0.1:6379' }],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
    ['REDIS_URL', { REDIS_URL: 'redis://' }],
  ])('refuses a bad %s (%j) with a ConfigError naming it', (setting, env) => {
    const error = configError(env);

    expect(error.setting).toBe(setting);
    expect(error.message).toContain(setting);
  });

  it('takes ECHO as on or off in any case, and says which words it takes', () => {
    expect(loadConfig({ ECHO: 'ON' }).echo).toBe(true);
    expect(loadConfig({ ECHO: ' off ' }).echo).toBe(false);
    expect(configError({ ECHO: 'no' }).message).toContain('"on" or "off"');
  });

  it('says what to write instead of an origin with a path', () => {
    expect(configError({ ALLOWED_ORIGINS: 'https://call.example.org/app' }).message).toContain('"https://call.example.org"');
  });

  it('accepts the edges of the new limits, and 0 for RESUME_GRACE_MS (no hold at all)', () => {
    expect(
      loadConfig({ RESUME_GRACE_MS: '0', RATE_LIMIT_BURST: '10', RATE_LIMIT_PER_SECOND: '1', MAX_SOCKETS_PER_IP: '1', MAX_NEW_ROOMS_PER_IP: '100000' }),
    ).toMatchObject({ resumeGraceMs: 0, rateLimitBurst: 10, rateLimitPerSecond: 1, maxSocketsPerIp: 1, maxNewRoomsPerIp: 100_000 });
  });

  it('names the range and what arrived for a bad limit', () => {
    const error = configError({ MAX_SOCKETS_PER_IP: 'twenty' });
    expect(error.message).toContain('signaling sockets');
    expect(error.message).toContain('from 1 to 100000');
    expect(error.message).toContain('"twenty"');
  });
});
