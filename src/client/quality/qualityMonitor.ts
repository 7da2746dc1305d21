/**
 * Reads every remote person's peer connection statistics once a second while anyone is in the
 * call, and hands each one's figures, level and last minute on. The timer runs only while the
 * roster has someone in it: when the call ends (the roster empties) it stops by itself.
 */
import type { Person } from '../machine/roster.js';
import { qualityLevel, type QualityLevel } from './qualityLevel.js';
import { summarizeStats, type Quality } from './qualityStats.js';

export const INTERVAL_MS = 1_000;
/** A minute of history, one sample a second. */
export const HISTORY_LENGTH = 60;

export interface QualitySample {
  rttMs: number | null;
  bitrateIn: number | null;
}

export interface PersonQuality {
  key: string;
  name: string;
  quality: Quality | null;
  level: QualityLevel | null;
  /** The last minute, oldest first. */
  history: readonly QualitySample[];
}

/** What is read of a peer connection: its statistics (RTCPeerConnection is one). */
export interface StatsSource {
  getStats(): Promise<ReadonlyMap<string, unknown>>;
}

interface Watched {
  connection: StatsSource | null;
  quality: Quality | null;
  history: QualitySample[];
}

/** `connections`: each person's current peer connection by key, as the media stage keeps them. */
export function createQualityMonitor(connections: ReadonlyMap<string, StatsSource>, onUpdate: (people: readonly PersonQuality[]) => void) {
  let people: readonly Person[] = [];
  let shown = '';
  const watched = new Map<string, Watched>();
  let timer: ReturnType<typeof setInterval> | null = null;
  // Each run of the timer has its own number, so reports that come after a stop are dropped.
  let run = 0;
  let reading = false;

  const report = () =>
    onUpdate(
      people.map((person) => {
        const seen = watched.get(person.key);
        const quality = seen?.quality ?? null;
        return { key: person.key, name: person.name, quality, level: qualityLevel(quality, person.status), history: seen?.history ?? [] };
      }),
    );

  async function read(key: string, seen: Watched): Promise<void> {
    const connection = connections.get(key) ?? null;
    if (connection !== seen.connection) seen.quality = null;
    seen.connection = connection;
    if (!connection) {
      seen.quality = null;
      return;
    }
    try {
      seen.quality = summarizeStats(await connection.getStats(), seen.quality);
    } catch {
      // A connection closed in the meantime has no statistics: the next second looks again.
      seen.quality = null;
    }
  }

  async function tick(ofRun: number): Promise<void> {
    // A slow getStats() (a loaded machine) never piles up reads.
    if (reading) return;
    reading = true;
    try {
      await Promise.all([...watched].map(([key, seen]) => read(key, seen)));
    } finally {
      reading = false;
    }
    if (ofRun !== run) return;
    for (const seen of watched.values()) {
      seen.history.push({ rttMs: seen.quality?.rttMs ?? null, bitrateIn: seen.quality?.bitrateIn ?? null });
      if (seen.history.length > HISTORY_LENGTH) seen.history.shift();
    }
    report();
  }

  function stop(): void {
    if (timer !== null) clearInterval(timer);
    timer = null;
    run += 1;
  }

  return {
    /** The roster as the call machine has it now; called on every render. */
    follow(next: readonly Person[]): void {
      people = next;
      const keys = new Set(next.map((person) => person.key));
      for (const key of watched.keys()) if (!keys.has(key)) watched.delete(key);
      for (const key of keys) if (!watched.has(key)) watched.set(key, { connection: null, quality: null, history: [] });
      if (next.length === 0) stop();
      else if (timer === null) {
        const ofRun = run;
        timer = setInterval(() => void tick(ofRun), INTERVAL_MS);
      }
      // Someone came, went, or changed name or status: show it now, not a second later.
      const now = next.map((person) => `${person.key}:${person.name}:${person.status}`).join(' ');
      if (now !== shown) report();
      shown = now;
    },
    stop,
  };
}
