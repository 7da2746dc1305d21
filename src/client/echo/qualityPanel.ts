/**
 * The test call's small panel: the round-trip time, packet loss and path of its one connection
 * (the echo peer's), as the quality monitor measures them once a second.
 */
import type { PersonQuality } from '../quality/qualityMonitor.js';
import { formatMs, formatPercent } from '../quality/formatQuality.js';
import { describePath, type Quality } from '../quality/qualityStats.js';

export function createEchoQualityPanel(panel: HTMLElement): (people: readonly PersonQuality[]) => void {
  const field = (name: string) => {
    const found = panel.querySelector<HTMLElement>(`[data-field="${name}"]`);
    if (!found) throw new Error(`The quality panel is missing its ${name} field.`);
    return found;
  };
  const rtt = field('rtt');
  const loss = field('loss');
  const path = field('path');

  function show(quality: Quality | null) {
    panel.hidden = quality === null;
    if (!quality) return;
    rtt.textContent = formatMs(quality.rttMs);
    loss.textContent = formatPercent(quality.lossPercent);
    path.textContent = describePath(quality.path);
    // For tools and tests: the figures without their units.
    panel.dataset.rttMs = quality.rttMs === null ? '' : String(quality.rttMs);
    panel.dataset.path = quality.path ? `${quality.path.local}/${quality.path.remote}` : '';
  }

  // A test call has one person in it: the echo peer.
  return (people) => show(people[0]?.quality ?? null);
}
