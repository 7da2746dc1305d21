/**
 * Server configuration from the environment, checked at start-up: a bad setting stops the
 * server with a sentence that names it, rather than a call that fails later.
 */
import { isIP } from 'node:net';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { IceServers, type IceServerConfig, type IceTransportPolicy } from '../shared/messages.js';
import { DEFAULT_PORT } from '../shared/limits.js';
import { DEFAULTS } from './defaults.js';
import { readTlsFiles, type TlsFiles } from './tlsFiles.js';
import type { TurnSettings } from './turnCredentials.js';

export interface ServerConfig {
  port: number;
  host: string;
  roomCapacity: number;
  iceServers: IceServerConfig[];
  /** A TURN server sharing TURN_SECRET: credentials are made per peer. */
  turn: TurnSettings | null;
  iceTransportPolicy: IceTransportPolicy;
  /** PEM contents of TLS_CERT and TLS_KEY: the server speaks https:// and wss://. */
  tls: TlsFiles | null;
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
  // The compiler, which the signaling checks load anyway: TypeBox's Value module would add about
  // half a megabyte to every node's heap for this one check.
  const check = TypeCompiler.Compile(IceServers);
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
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

// A host name, an IPv4 address or a bracketed IPv6 one; a port; a transport (RFC 7065).
const TURN_URL = /^turns?:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:(\d{1,5}))?(\?transport=(udp|tcp))?$/;
/** coturn accepts any secret, but a short one can be found by trying HMACs of a seen username. */
const MIN_TURN_SECRET_CHARS = 16;

function turn(env: Env): TurnSettings | null {
  const rawUrls = env.TURN_URLS?.trim() ?? '';
  const secret = env.TURN_SECRET?.trim() ?? '';
  if (!rawUrls && !secret) return null;
  if (!secret) {
    throw new ConfigError('TURN_SECRET', 'TURN_URLS is set but TURN_SECRET is not; set TURN_SECRET to the static-auth-secret of your coturn (or unset TURN_URLS).');
  }
  if (!rawUrls) {
    throw new ConfigError('TURN_URLS', 'TURN_SECRET is set but TURN_URLS is not; set TURN_URLS to your TURN server, e.g. turn:turn.example.org:3478 (or unset TURN_SECRET).');
  }
  // The secret itself never goes into a message: error messages end up in logs.
  if (secret.length < MIN_TURN_SECRET_CHARS) {
    throw new ConfigError('TURN_SECRET', `TURN_SECRET is too short to be safe (at least ${MIN_TURN_SECRET_CHARS} characters); make one with "openssl rand -hex 32" and give the same to coturn.`);
  }
  const urls = rawUrls.split(',').map((entry) => {
    const url = entry.trim();
    const match = TURN_URL.exec(url);
    const port = match?.[3] === undefined ? 3478 : Number(match[3]);
    if (!match || port < 1 || port > 65535) {
      throw new ConfigError(
        'TURN_URLS',
        `TURN_URLS must be a comma-separated list of turn: or turns: URLs like turn:turn.example.org:3478?transport=udp; "${url}" is not one.`,
      );
    }
    return url;
  });
  const ttlS = integer(env, 'TURN_TTL_S', DEFAULTS.turnTtlS, 60, 7 * 86_400, 'how long, in seconds, TURN credentials stay valid');
  return { urls, secret, ttlS };
}

function iceTransportPolicy(env: Env, turnSettings: TurnSettings | null, servers: IceServerConfig[]): IceTransportPolicy {
  const raw = env.ICE_TRANSPORT_POLICY?.trim() || 'all';
  if (raw !== 'all' && raw !== 'relay') {
    throw new ConfigError('ICE_TRANSPORT_POLICY', `ICE_TRANSPORT_POLICY must be "all" (direct where possible) or "relay" (every call through TURN); got "${raw}".`);
  }
  const staticTurn = servers.some((server) => [server.urls].flat().some((url) => /^turns?:/.test(url)));
  if (raw === 'relay' && !turnSettings && !staticTurn) {
    throw new ConfigError('ICE_TRANSPORT_POLICY', 'ICE_TRANSPORT_POLICY is "relay" but no TURN server is configured, so no call could connect; set TURN_URLS and TURN_SECRET.');
  }
  return raw;
}

function tls(env: Env): TlsFiles | null {
  const certPath = env.TLS_CERT?.trim() ?? '';
  const keyPath = env.TLS_KEY?.trim() ?? '';
  if (!certPath && !keyPath) return null;
  if (!certPath) throw new ConfigError('TLS_CERT', 'TLS_KEY is set but TLS_CERT is not; set TLS_CERT to the certificate (PEM file) that goes with the key.');
  if (!keyPath) throw new ConfigError('TLS_KEY', 'TLS_CERT is set but TLS_KEY is not; set TLS_KEY to the private key (PEM file) of the certificate.');
  const read = readTlsFiles(certPath, keyPath);
  if (!read.ok) throw new ConfigError(read.setting, read.message);
  return read.files;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env): ServerConfig {
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}".`);
  }
  const host = env.HOST?.trim() || '127.0.0.1';
  const servers = iceServers(env);
  const turnSettings = turn(env);
  return {
    port: integer(env, 'PORT', DEFAULT_PORT, 0, 65535, 'the TCP port to listen on'),
    host,
    roomCapacity: integer(env, 'ROOM_CAPACITY', DEFAULTS.roomCapacity, 2, 16, 'the number of people a room holds'),
    iceServers: servers,
    turn: turnSettings,
    iceTransportPolicy: iceTransportPolicy(env, turnSettings, servers),
    tls: tls(env),
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
