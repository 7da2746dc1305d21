/**
 * A small panel with the call's round-trip time, packet loss and path, read from the peer
 * connection's statistics once a second while there is one.
 */
import type { MediaStage } from '../effects/mediaStage.js';
import { describePath, summarizeStats, type Quality } from '../quality/qualityStats.js';

const INTERVAL_MS = 1_000;

/** A test call has one connection: the echo peer's. */
const firstConnection = (stage: MediaStage): RTCPeerConnection | null => stage.connections.values().next().value ?? null;

export function startQualityPanel(panel: HTMLElement, stage: MediaStage): () => void {
  const field = (name: string) => {
    const found = panel.querySelector<HTMLElement>(`[data-field="${name}"]`);
    if (!found) throw new Error(`The quality panel is missing its ${name} field.`);
    return found;
  };
  const rtt = field('rtt');
  const loss = field('loss');
  const path = field('path');
  let previous: Quality | null = null;
  let connection: RTCPeerConnection | null = null;

  function show(quality: Quality | null) {
    panel.hidden = quality === null;
    if (!quality) return;
    rtt.textContent = quality.rttMs === null ? '–' : `${quality.rttMs} ms`;
    loss.textContent = quality.lossPercent === null ? '–' : `${quality.lossPercent.toFixed(1)} %`;
    path.textContent = describePath(quality.path);
    // For tools and tests: the figures without their units.
    panel.dataset.rttMs = quality.rttMs === null ? '' : String(quality.rttMs);
    panel.dataset.path = quality.path ? `${quality.path.local}/${quality.path.remote}` : '';
  }

  const timer = setInterval(() => {
    const current = firstConnection(stage);
    if (current !== connection) previous = null;
    connection = current;
    if (!current) return show(null);
    current.getStats().then(
      (report) => {
        if (firstConnection(stage) !== current) return;
        previous = summarizeStats(report, previous);
        show(previous);
      },
      () => {},
    );
  }, INTERVAL_MS);
  return () => clearInterval(timer);
}
