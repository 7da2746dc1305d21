/** The quality panel's figures from getStats() reports shaped as Chromium gives them. */
import { describe, expect, it } from 'vitest';
import { describePath, summarizeStats } from '../../src/client/quality/qualityStats.js';
import { FIRST_SECOND, NEXT_SECOND } from './recordedStats.js';

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

/** One second of a 1:1 call as Chromium reports it (fields trimmed to those the summary reads). */
function chromiumSecond(at: number, { audioPackets = 50 * at, videoPackets = 90 * at, videoLost = 0, audioJitter = 0.004 } = {}) {
  const ms = 1_700_000_000_000 + at * 1_000;
  return report(
    { id: 'T01', type: 'transport', timestamp: ms, selectedCandidatePairId: 'CPa_b', dtlsState: 'connected' },
    { id: 'CPa_b', type: 'candidate-pair', timestamp: ms, localCandidateId: 'Ia', remoteCandidateId: 'Ib', state: 'succeeded', currentRoundTripTime: 0.012 },
    { id: 'Ia', type: 'local-candidate', timestamp: ms, candidateType: 'host', protocol: 'udp' },
    { id: 'Ib', type: 'remote-candidate', timestamp: ms, candidateType: 'prflx', protocol: 'udp' },
    { id: 'IT01A1', type: 'inbound-rtp', timestamp: ms, kind: 'audio', packetsReceived: audioPackets, packetsLost: 0, jitter: audioJitter, bytesReceived: 4_000 * at },
    {
      id: 'IT01V2', type: 'inbound-rtp', timestamp: ms, kind: 'video', packetsReceived: videoPackets, packetsLost: videoLost, jitter: 0.031,
      bytesReceived: 60_000 * at, framesDecoded: 20 * at, frameWidth: 640, frameHeight: 480, framesPerSecond: 20,
    },
    { id: 'OT01A3', type: 'outbound-rtp', timestamp: ms, kind: 'audio', packetsSent: 50 * at, bytesSent: 4_000 * at },
    // Simulcast-like layers: the largest is what they see.
    { id: 'OT01V4', type: 'outbound-rtp', timestamp: ms, kind: 'video', bytesSent: 20_000 * at, frameWidth: 320, frameHeight: 240, framesPerSecond: 20 },
    { id: 'OT01V5', type: 'outbound-rtp', timestamp: ms, kind: 'video', bytesSent: 45_000 * at, frameWidth: 640, frameHeight: 480, framesPerSecond: 19 },
    { id: 'RIA3', type: 'remote-inbound-rtp', timestamp: ms, kind: 'audio', roundTripTime: 0.013 },
  );
}

describe('summarizeStats over a call', () => {
  it('has no rates and no arrival verdict on the first report, only what one report says', () => {
    const first = summarizeStats(chromiumSecond(1), null);
    expect(first).toMatchObject({ rttMs: 12, bitrateIn: null, bitrateOut: null, arriving: null, framesDecoded: 20 });
    expect(first.videoIn).toEqual({ width: 640, height: 480, fps: 20 });
    expect(first.videoOut).toEqual({ width: 640, height: 480, fps: 19 });
    // The audio's jitter, not the bursty video's.
    expect(first.jitterMs).toBeCloseTo(4);
  });

  it('gives the bitrate each way over the time between two reports', () => {
    const first = summarizeStats(chromiumSecond(1), null);
    const second = summarizeStats(chromiumSecond(3), first);
    // 2 s apart: (64 000 bytes a second in, 69 000 out) × 8 bits.
    expect(second.bitrateIn).toBeCloseTo(64_000 * 8);
    expect(second.bitrateOut).toBeCloseTo(69_000 * 8);
    expect(second.arriving).toBe(true);
    expect(second.framesDecoded).toBe(60);
  });

  it('says when nothing arrives any more', () => {
    const first = summarizeStats(chromiumSecond(1), null);
    const frozen = summarizeStats(chromiumSecond(2, { audioPackets: 50, videoPackets: 90 }), first);
    expect(frozen.arriving).toBe(false);
    expect(frozen.lossPercent).toBeNull();
  });

  it('has no rate when the reports carry no time', () => {
    const first = summarizeStats(report({ id: 'v', type: 'inbound-rtp', kind: 'video', packetsReceived: 10, bytesReceived: 100 }), null);
    const second = summarizeStats(report({ id: 'v', type: 'inbound-rtp', kind: 'video', packetsReceived: 20, bytesReceived: 200 }), first);
    expect(second).toMatchObject({ bitrateIn: null, arriving: true, videoIn: null });
  });
});

describe('summarizeStats on reports recorded from Chromium', () => {
  it('reads every figure of the pair the transport selected, among several nominated ones', () => {
    const first = summarizeStats(report(...FIRST_SECOND), null);
    expect(first).toMatchObject({ rttMs: 116, path: { local: 'host', remote: 'host' }, arriving: null, bitrateIn: null });

    const next = summarizeStats(report(...NEXT_SECOND), first);
    // 67 019 bytes in and 57 620 out (audio and video) over 7.635 s.
    expect(next.bitrateIn).toBeCloseTo(70_219.6, 0);
    expect(next.bitrateOut).toBeCloseTo(60_371.6, 0);
    expect(next).toMatchObject({
      rttMs: 57,
      lossPercent: 0,
      arriving: true,
      framesDecoded: 74,
      videoIn: { width: 640, height: 360, fps: 5 },
      // Chromium left the sent frame rate out of this report.
      videoOut: { width: 640, height: 360, fps: null },
    });
    // The audio's 22 ms, not the video's 267 ms.
    expect(next.jitterMs).toBeCloseTo(22);
    expect(describePath(next.path)).toBe('direct (host)');
  });
});
