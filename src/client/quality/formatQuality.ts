/** The quality figures in words and units, as the panel shows them; "–" where there is none. */
import type { VideoFigures } from './qualityStats.js';

const NONE = '–';

export const formatMs = (ms: number | null): string => (ms === null ? NONE : `${Math.round(ms)} ms`);

export const formatPercent = (percent: number | null): string => (percent === null ? NONE : `${percent.toFixed(1)} %`);

export function formatBitrate(bitsPerSecond: number | null): string {
  if (bitsPerSecond === null) return NONE;
  if (bitsPerSecond >= 1_000_000) return `${(bitsPerSecond / 1_000_000).toFixed(2)} Mbit/s`;
  return `${Math.round(bitsPerSecond / 1_000)} kbit/s`;
}

export function formatVideo(video: VideoFigures | null): string {
  if (video === null) return NONE;
  const size = `${video.width}×${video.height}`;
  return video.fps === null ? size : `${size}, ${Math.round(video.fps)} fps`;
}
