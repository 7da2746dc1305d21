/** The quality panel's figures from getStats() reports shaped as Chromium gives them. */
import { describe, expect, it } from 'vitest';
import { describePath, summarizeStats } from '../../src/client/echo/qualityStats.js';

function report(...stats: Array<Record<string, unknown> & { id: string; type: string }>): Map<string, unknown> {
  return new Map(stats.map((stat) => [stat.id, stat]));
}

const candidates = (local: string, remote: string) => [
  { id: 'L', type: 'local-candidate', candidateType: local },
  { id: 'R', type: 'remote-candidate', candidateType: remote },
  { id: 'other', type: 'candidate-pair', localCandidateId: 'R', remoteCandidateId: 'R', currentRoundTripTime: 9 },
];

describe('summarizeStats', () => {
  it('reads the round trip and the path of the pair the transport selected', () => {
    const stats = report(
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
      { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: 0.0234 },
      ...candidates('host', 'relay'),
    );

    const quality = summarizeStats(stats, null);

    expect(quality.rttMs).toBe(23);
    expect(quality.path).toEqual({ local: 'host', remote: 'relay' });
    expect(describePath(quality.path)).toBe('relayed (host/relay)');
  });

  it('falls back to the pair marked selected', () => {
    const stats = report(
      { id: 'P', type: 'candidate-pair', selected: true, localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: 0.001 },
      ...candidates('srflx', 'srflx'),
    );
    expect(describePath(summarizeStats(stats, null).path)).toBe('direct (srflx)');
  });

  it('has no figures before a pair is selected or a packet has come', () => {
    const quality = summarizeStats(report({ id: 'T', type: 'transport' }), null);
    expect(quality).toMatchObject({ rttMs: null, lossPercent: null, path: null });
    expect(describePath(quality.path)).toBe('–');
  });

  it('gives the loss since the previous report, over audio and video together', () => {
    const first = summarizeStats(
      report(
        { id: 'a', type: 'inbound-rtp', packetsReceived: 100, packetsLost: 0 },
        { id: 'v', type: 'inbound-rtp', packetsReceived: 900, packetsLost: 10 },
      ),
      null,
    );
    expect(first.lossPercent).toBeCloseTo((100 * 10) / 1010);

    const second = summarizeStats(
      report(
        { id: 'a', type: 'inbound-rtp', packetsReceived: 150, packetsLost: 0 },
        { id: 'v', type: 'inbound-rtp', packetsReceived: 1040, packetsLost: 20 },
      ),
      first,
    );
    // 190 received and 10 lost since the first report: 5 %.
    expect(second.lossPercent).toBeCloseTo(5);

    // Nothing came since: no figure rather than a made-up 0 %.
    const still = report(
      { id: 'a', type: 'inbound-rtp', packetsReceived: 150, packetsLost: 0 },
      { id: 'v', type: 'inbound-rtp', packetsReceived: 1040, packetsLost: 20 },
    );
    expect(summarizeStats(still, second).lossPercent).toBeNull();
  });
});
