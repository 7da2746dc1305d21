/** Start-up configuration: sensible defaults, and a refusal that names the bad setting. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.js';

/** The ConfigError that loadConfig throws for `env`; fails the test if it throws nothing or something else. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('defaults to a 1:1 call on 127.0.0.1:1337 with no ICE servers', () => {
    expect(loadConfig({})).toEqual({
      port: 1337,
      host: '127.0.0.1',
      roomCapacity: 2,
      iceServers: [],
      heartbeatIntervalMs: 10_000,
      allowedOrigins: [],
      logLevel: 'info',
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
        LOG_LEVEL: 'warn',
      }),
    ).toEqual({
      port: 8080,
      host: '0.0.0.0',
      roomCapacity: 4,
      iceServers,
      heartbeatIntervalMs: 5000,
      allowedOrigins: ['https://call.example.org', 'http://localhost:5173'],
      logLevel: 'warn',
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
  ])('refuses a bad %s (%j) with a ConfigError naming it', (setting, env) => {
    const error = configError(env);

    expect(error.setting).toBe(setting);
    expect(error.message).toContain(setting);
  });

  it('says what to write instead of an origin with a path', () => {
    expect(configError({ ALLOWED_ORIGINS: 'https://call.example.org/app' }).message).toContain('"https://call.example.org"');
  });
});
