import { isIP } from 'node:net';
/**
 * Server configuration from the environment, checked at start-up: a bad setting stops the
 * server with a sentence that names it, rather than a call that fails later.
 */
import { Value } from '@sinclair/typebox/value';
import { IceServers, type IceServerConfig } from '../shared/messages.js';
import { DEFAULT_PORT } from '../shared/limits.js';
import { DEFAULTS } from './defaults.js';

export interface ServerConfig {
  port: number;
  host: string;
  roomCapacity: number;
  iceServers: IceServerConfig[];
  heartbeatIntervalMs: number;
  /** Origins allowed to open the signaling socket besides the page's own. */
  allowedOrigins: string[];
  resumeGraceMs: number;
  rateLimitBurst: number;
  rateLimitPerSecond: number;
  maxSocketsPerIp: number;
  /** Per minute. */
  maxNewRoomsPerIp: number;
  logLevel: string;
  /** Which reverse proxies' X-Forwarded-For to believe, so per-address limits see real clients. */
  trustProxy: boolean | string;
  echo: boolean;
  echoMaxSeconds: number;
  echoMaxCalls: number;
  /** Shared rooms through this Redis; undefined: rooms live in this process only. */
  redisUrl: string | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number, meaning: string): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      name,
      `${name} must be ${meaning}, a whole number from ${min} to ${max}; got "${raw}".`,
    );
  }
  return value;
}

function iceServers(env: Env): IceServerConfig[] {
  const raw = env.ICE_SERVERS;
  if (raw === undefined || raw.trim() === '') return [];
  const example = 'e.g. [{"urls":"stun:stun.example.org:3478"}]';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError('ICE_SERVERS', `ICE_SERVERS must be a JSON array of RTCIceServer objects (${example}); it is not valid JSON.`);
  }
  if (!Value.Check(IceServers, value)) {
    const first = Value.Errors(IceServers, value).First();
    const where = first ? ` (at ${first.path || 'the top'}: ${first.message.toLowerCase()})` : '';
    throw new ConfigError('ICE_SERVERS', `ICE_SERVERS must be a JSON array of RTCIceServer objects with "urls" (${example})${where}.`);
  }
  for (const server of value) {
    for (const url of Array.isArray(server.urls) ? server.urls : [server.urls]) {
      if (!/^(stuns?|turns?):/.test(url)) {
        throw new ConfigError('ICE_SERVERS', `ICE_SERVERS has the URL "${url}"; each URL must start with stun:, stuns:, turn: or turns:.`);
      }
    }
  }
  return value;
}

function origins(env: Env): string[] {
  const raw = env.ALLOWED_ORIGINS;
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError('ALLOWED_ORIGINS', `ALLOWED_ORIGINS must be a comma-separated list of origins like https://call.example.org; "${origin}" is not one.`);
    }
    if (url.origin !== origin) {
      throw new ConfigError('ALLOWED_ORIGINS', `ALLOWED_ORIGINS entries are bare origins (scheme://host[:port], no path); write "${url.origin}" instead of "${origin}".`);
    }
    return origin;
  });
}

function trustProxy(env: Env): boolean | string {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  for (const entry of raw.split(',').map((part) => part.trim())) {
    const [address = '', bits, ...rest] = entry.split('/');
    const maxBits = isIP(address) === 6 ? 128 : 32;
    if (!isIP(address) || rest.length || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new ConfigError(
        'TRUST_PROXY',
        `TRUST_PROXY must be true, false, or a comma-separated list of proxy addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8); "${entry}" is none of these.`,
      );
    }
  }
  return raw;
}

function onOff(env: Env, name: string, fallback: boolean, meaning: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError(name, `${name} must be "on" or "off" (${meaning}); got "${env[name]}".`);
}

function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    throw new ConfigError('REDIS_URL', `REDIS_URL must be a Redis URL like redis://127.0.0.1:6379 (or rediss:// for TLS, redis://:password@host:port/db); got "${raw}".`);
  }
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env): ServerConfig {
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}".`);
  }
  const host = env.HOST?.trim() || '127.0.0.1';
  return {
    port: integer(env, 'PORT', DEFAULT_PORT, 0, 65535, 'the TCP port to listen on'),
    host,
    roomCapacity: integer(env, 'ROOM_CAPACITY', DEFAULTS.roomCapacity, 2, 16, 'the number of people a room holds'),
    iceServers: iceServers(env),
    heartbeatIntervalMs: integer(env, 'HEARTBEAT_INTERVAL_MS', DEFAULTS.heartbeatIntervalMs, 1_000, 600_000, 'how often, in milliseconds, the server pings each socket'),
    allowedOrigins: origins(env),
    resumeGraceMs: integer(env, 'RESUME_GRACE_MS', DEFAULTS.resumeGraceMs, 0, 600_000, "how long, in milliseconds, a dropped peer's seat is kept for it to resume (0: not at all)"),
    rateLimitBurst: integer(env, 'RATE_LIMIT_BURST', DEFAULTS.rateLimitBurst, 10, 100_000, 'how many messages one socket may send at once'),
    rateLimitPerSecond: integer(env, 'RATE_LIMIT_PER_SECOND', DEFAULTS.rateLimitPerSecond, 1, 100_000, 'how many messages a second one socket may keep sending'),
    maxSocketsPerIp: integer(env, 'MAX_SOCKETS_PER_IP', DEFAULTS.maxSocketsPerIp, 1, 100_000, 'how many signaling sockets one client address may have open'),
    maxNewRoomsPerIp: integer(env, 'MAX_NEW_ROOMS_PER_IP', DEFAULTS.maxNewRoomsPerIp, 1, 100_000, 'how many new rooms one client address may create per minute'),
    logLevel,
    trustProxy: trustProxy(env),
    echo: onOff(env, 'ECHO', DEFAULTS.echo, 'whether people can make a test call with the echo peer'),
    echoMaxSeconds: integer(env, 'ECHO_MAX_SECONDS', DEFAULTS.echoMaxSeconds, 1, 3_600, 'how many seconds one test call may last'),
    echoMaxCalls: integer(env, 'ECHO_MAX_CALLS', DEFAULTS.echoMaxCalls, 1, 1_000, 'how many test calls may run at once on this server'),
    redisUrl: redisUrl(env),
  };
}
