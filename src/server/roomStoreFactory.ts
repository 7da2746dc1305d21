/** The room store a server uses: in memory, or in Redis when it is given one. */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { DEFAULTS } from './defaults.js';
import { createMemoryRoomStore } from './memoryRoomStore.js';
import type { RoomStore, StoreEvents } from './roomStore.js';

export interface RoomStoreSettings {
  roomCapacity?: number;
  resumeGraceMs?: number;
  redisUrl?: string;
}

/**
 * What is kept for a held seat. A call's whole set-up is a few dozen messages and a few tens of
 * kilobytes, so these are only reached by a peer that is relayed a flood; beyond either, the
 * seat is freed. The character bound keeps a held seat from holding 1,000 SDPs of 60,000
 * characters each.
 */
const MAX_QUEUED_PER_SEAT = 1_000;
const MAX_QUEUED_CHARS_PER_SEAT = 1_000_000;
// 192 random bits: a token cannot be guessed, only handed out in a WELCOME.
const newResumeToken = () => randomBytes(24).toString('base64url');

export async function createRoomStore(settings: RoomStoreSettings, log: FastifyBaseLogger, events?: StoreEvents): Promise<RoomStore> {
  const common = {
    capacity: settings.roomCapacity ?? DEFAULTS.roomCapacity,
    graceMs: settings.resumeGraceMs ?? DEFAULTS.resumeGraceMs,
    maxQueued: MAX_QUEUED_PER_SEAT,
    maxQueuedChars: MAX_QUEUED_CHARS_PER_SEAT,
    newToken: newResumeToken,
    ...(events ? { events } : {}),
  };
  if (settings.redisUrl === undefined) return createMemoryRoomStore(common);
  // Loaded only here: a single node has no use for a Redis client (about 1 MB of heap).
  const { createRedisRoomStore } = await import('./redisRoomStore.js');
  return createRedisRoomStore({ ...common, url: settings.redisUrl, log });
}
