/**
 * What a person can judge a connection by, from one getStats() report and the one before it:
 * the round-trip time, the share of packets lost since the last report, the jitter, the bitrate
 * each way, the video's size and frame rate each way, and whether the path is direct (host,
 * srflx/prflx) or goes through a relay. Pure, so it is tested without a browser.
 */
export type PathKind = 'host' | 'srflx' | 'prflx' | 'relay';

export interface VideoFigures {
  width: number;
  height: number;
  /** Null until the browser has counted a second of frames. */
  fps: number | null;
}

export interface Quality {
  /** Round-trip time of the selected candidate pair, in milliseconds; null before one is measured. */
  rttMs: number | null;
  /** Received packets lost since the previous report, in percent; null when none were expected. */
  lossPercent: number | null;
  /** Jitter of the received audio (of the video when there is no audio), in milliseconds. */
  jitterMs: number | null;
  /** Bits a second received and sent since the previous report; null on the first report. */
  bitrateIn: number | null;
  bitrateOut: number | null;
  /** The video received from them and the video sent to them; null while there is none. */
  videoIn: VideoFigures | null;
  videoOut: VideoFigures | null;
  /** Whether packets came since the previous report; null on the first report. */
  arriving: boolean | null;
  /** The candidate types of the selected pair, local then remote; null while there is none. */
  path: { local: PathKind; remote: PathKind } | null;
  /** Counters kept for the next report's differences. */
  received: number;
  lost: number;
  bytesIn: number;
  bytesOut: number;
  framesDecoded: number;
  /** When the report was taken, in milliseconds (the stats' own clock). */
  at: number | null;
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

/** The largest video stream of that direction (several when simulcast sends layers). */
function video(streams: Stat[]): VideoFigures | null {
  let best: VideoFigures | null = null;
  for (const stat of streams) {
    const width = num(stat.frameWidth);
    const height = num(stat.frameHeight);
    if (width === null || height === null || (best && best.width >= width)) continue;
    best = { width, height, fps: num(stat.framesPerSecond) };
  }
  return best;
}

const sum = (streams: Stat[], field: string) => streams.reduce((total, stat) => total + Math.max(0, num(stat[field]) ?? 0), 0);

export function summarizeStats(report: ReadonlyMap<string, unknown>, previous: Quality | null): Quality {
  const stats = new Map<string, Stat>();
  for (const [id, value] of report) if (typeof value === 'object' && value !== null) stats.set(id, value as Stat);
  const all = [...stats.values()];
  const inbound = all.filter((stat) => stat.type === 'inbound-rtp');
  const outbound = all.filter((stat) => stat.type === 'outbound-rtp');
  const ofKind = (streams: Stat[], kind: string) => streams.filter((stat) => (stat.kind ?? stat.mediaType) === kind);

  const pair = selectedPair(stats);
  const rtt = num(pair?.currentRoundTripTime);
  const local = pair ? stats.get(String(pair.localCandidateId))?.candidateType : undefined;
  const remote = pair ? stats.get(String(pair.remoteCandidateId))?.candidateType : undefined;

  const received = sum(inbound, 'packetsReceived');
  const lost = sum(inbound, 'packetsLost');
  const newlyReceived = received - (previous?.received ?? 0);
  const newlyLost = lost - (previous?.lost ?? 0);
  const expected = newlyReceived + newlyLost;

  // Audio's jitter is what a listener hears; a video frame's packets leave in a burst and
  // make its jitter larger without anything being wrong.
  const audioIn = ofKind(inbound, 'audio');
  const jitters = (audioIn.length > 0 ? audioIn : inbound).map((stat) => num(stat.jitter)).filter((value) => value !== null);
  const jitter = jitters.length > 0 ? Math.max(...jitters) : null;

  const bytesIn = sum(inbound, 'bytesReceived');
  const bytesOut = sum(outbound, 'bytesSent');
  const times = [...inbound, ...outbound, ...(pair ? [pair] : [])].map((stat) => num(stat.timestamp)).filter((value) => value !== null);
  const at = times.length > 0 ? Math.max(...times) : null;
  const seconds = previous?.at != null && at !== null ? (at - previous.at) / 1_000 : 0;
  const rate = (now: number, before: number | undefined) =>
    seconds > 0 && before !== undefined ? (Math.max(0, now - before) * 8) / seconds : null;

  return {
    rttMs: rtt === null ? null : Math.round(rtt * 1_000),
    lossPercent: expected > 0 ? (100 * Math.max(0, newlyLost)) / expected : null,
    jitterMs: jitter === null ? null : jitter * 1_000,
    bitrateIn: rate(bytesIn, previous?.bytesIn),
    bitrateOut: rate(bytesOut, previous?.bytesOut),
    videoIn: video(ofKind(inbound, 'video')),
    videoOut: video(ofKind(outbound, 'video')),
    arriving: previous === null ? null : newlyReceived > 0,
    path: isPathKind(local) && isPathKind(remote) ? { local, remote } : null,
    received,
    lost,
    bytesIn,
    bytesOut,
    framesDecoded: sum(ofKind(inbound, 'video'), 'framesDecoded'),
    at,
  };
}

/** "direct (host)", "relayed (relay/host)": what the path is, in words. */
export function describePath(path: Quality['path']): string {
  if (!path) return '–';
  const relayed = path.local === 'relay' || path.remote === 'relay';
  const types = path.local === path.remote ? path.local : `${path.local}/${path.remote}`;
  return `${relayed ? 'relayed' : 'direct'} (${types})`;
}
