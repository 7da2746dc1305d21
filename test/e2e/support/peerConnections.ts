/**
 * A look into a page's peer connections, as chrome://webrtc-internals would give a person: the
 * test keeps a handle on each one the page makes (the page itself exposes none), then reads the
 * selected candidate pair from getStats().
 */
import type { Page } from '@playwright/test';

type Watched = Window & { peerConnections?: RTCPeerConnection[] };

/** Call before the page makes its first peer connection (e.g. before Start). */
export async function watchPeerConnections(page: Page): Promise<void> {
  await page.evaluate(() => {
    const watched = window as Watched;
    if (watched.peerConnections) return;
    const made: RTCPeerConnection[] = [];
    watched.peerConnections = made;
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        made.push(this);
      }
    };
  });
}

export interface SelectedPair {
  local: string;
  remote: string;
  /** The relay's address and port as the local candidate names it. */
  localAddress: string;
}

/** The candidate types of the pair the page's current peer connection sends media on, or null. */
export function selectedPair(page: Page): Promise<SelectedPair | null> {
  return page.evaluate(async () => {
    const pc = (window as Watched).peerConnections?.at(-1);
    if (!pc) return null;
    const stats = await pc.getStats();
    let pair: RTCIceCandidatePairStats | undefined;
    stats.forEach((report: RTCStats) => {
      const transport = report as RTCTransportStats;
      if (report.type === 'transport' && transport.selectedCandidatePairId) pair = stats.get(transport.selectedCandidatePairId);
    });
    if (!pair) return null;
    const local = stats.get(pair.localCandidateId) as { candidateType?: string; address?: string; port?: number } | undefined;
    const remote = stats.get(pair.remoteCandidateId) as { candidateType?: string } | undefined;
    return { local: local?.candidateType ?? '?', remote: remote?.candidateType ?? '?', localAddress: `${local?.address}:${local?.port}` };
  });
}

export interface GatherResult {
  relayCandidates: number;
  /** `<code> <text>` of each icecandidateerror. */
  errors: string[];
}

/** Gathers relay candidates in the page with `server` alone, as a call would, and reports what came. */
export function gatherRelayCandidates(page: Page, server: RTCIceServer, timeoutMs = 15_000): Promise<GatherResult> {
  return page.evaluate(
    async ({ server, timeoutMs }) => {
      const pc = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: 'relay' });
      const result: { relayCandidates: number; errors: string[] } = { relayCandidates: 0, errors: [] };
      const done = new Promise<void>((resolve) => {
        pc.addEventListener('icecandidateerror', (event) => {
          const error = event as RTCPeerConnectionIceErrorEvent;
          result.errors.push(`${error.errorCode} ${error.errorText}`);
        });
        pc.addEventListener('icecandidate', ({ candidate }) => {
          if (candidate?.type === 'relay') result.relayCandidates += 1;
          if (!candidate) resolve();
        });
        setTimeout(resolve, timeoutMs);
      });
      pc.createDataChannel('probe');
      await pc.setLocalDescription();
      await done;
      pc.close();
      return result;
    },
    { server, timeoutMs },
  );
}

type Loop = Window & { relayLoop?: RTCPeerConnection[] };

/**
 * Two peer connections in the page that try to reach each other through the relay alone (both
 * on this machine: loopback peers, to the relay). Returns at once; `relayLoopState` tells how
 * they are doing, `closeRelayLoop` ends them.
 */
export function startRelayLoop(page: Page, server: RTCIceServer): Promise<void> {
  return page.evaluate(async (server) => {
    const [a, b] = [0, 1].map(() => new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: 'relay' })) as [RTCPeerConnection, RTCPeerConnection];
    (window as Loop).relayLoop = [a, b];
    a.addEventListener('icecandidate', ({ candidate }) => void b.addIceCandidate(candidate ?? undefined).catch(() => {}));
    b.addEventListener('icecandidate', ({ candidate }) => void a.addIceCandidate(candidate ?? undefined).catch(() => {}));
    a.createDataChannel('probe');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
  }, server);
}

export const relayLoopState = (page: Page) => page.evaluate(() => (window as Loop).relayLoop?.map((pc) => pc.connectionState) ?? []);

export const closeRelayLoop = (page: Page) => page.evaluate(() => (window as Loop).relayLoop?.forEach((pc) => pc.close()));
