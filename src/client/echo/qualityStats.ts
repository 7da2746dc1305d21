/**
 * What a person can judge a call's path by, from one getStats() report and the one before it:
 * the round-trip time, the share of packets lost since the last report, and whether the path is
 * direct (host, srflx/prflx) or goes through a relay. Pure, so it is tested without a browser.
 */
export type PathKind = 'host' | 'srflx' | 'prflx' | 'relay';

export interface Quality {
  /** Round-trip time of the selected candidate pair, in milliseconds; null before one is measured. */
  rttMs: number | null;
  /** Received packets lost since the previous report, in percent; null when none were expected. */
  lossPercent: number | null;
  /** The candidate types of the selected pair, local then remote; null while there is none. */
  path: { local: PathKind; remote: PathKind } | null;
  /** Counters kept for the next report's loss. */
  received: number;
  lost: number;
}

type Stat = Record<string, unknown> & { type: string; id: string };

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const isPathKind = (value: unknown): value is PathKind => value === 'host' || value === 'srflx' || value === 'prflx' || value === 'relay';

function selectedPair(stats: Map<string, Stat>): Stat | undefined {
  for (const stat of stats.values()) {
    if (stat.type !== 'transport' || typeof stat.selectedCandidatePairId !== 'string') continue;
    const pair = stats.get(stat.selectedCandidatePairId);
    if (pair) return pair;
  }
  // Browsers that do not name it on the transport mark it on the pair.
  for (const stat of stats.values()) if (stat.type === 'candidate-pair' && stat.selected === true) return stat;
  return undefined;
}

export function summarizeStats(report: ReadonlyMap<string, unknown>, previous: Quality | null): Quality {
  const stats = new Map<string, Stat>();
  for (const [id, value] of report) if (typeof value === 'object' && value !== null) stats.set(id, value as Stat);

  const pair = selectedPair(stats);
  const rtt = num(pair?.currentRoundTripTime);
  const local = pair ? stats.get(String(pair.localCandidateId))?.candidateType : undefined;
  const remote = pair ? stats.get(String(pair.remoteCandidateId))?.candidateType : undefined;

  let received = 0;
  let lost = 0;
  for (const stat of stats.values()) {
    if (stat.type !== 'inbound-rtp') continue;
    received += num(stat.packetsReceived) ?? 0;
    lost += Math.max(0, num(stat.packetsLost) ?? 0);
  }
  const newlyReceived = received - (previous?.received ?? 0);
  const newlyLost = lost - (previous?.lost ?? 0);
  const expected = newlyReceived + newlyLost;

  return {
    rttMs: rtt === null ? null : Math.round(rtt * 1_000),
    lossPercent: expected > 0 ? (100 * Math.max(0, newlyLost)) / expected : null,
    path: isPathKind(local) && isPathKind(remote) ? { local, remote } : null,
    received,
    lost,
  };
}

/** "direct (host)", "relayed (relay/host)": what the path is, in words. */
export function describePath(path: Quality['path']): string {
  if (!path) return '–';
  const relayed = path.local === 'relay' || path.remote === 'relay';
  const types = path.local === path.remote ? path.local : `${path.local}/${path.remote}`;
  return `${relayed ? 'relayed' : 'direct'} (${types})`;
}
