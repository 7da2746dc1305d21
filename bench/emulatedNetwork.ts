/**
 * A wide-area network on loopback, for the call-setup benchmark. The kernel here has no netem,
 * so the delay is made in user space: every TCP link from a browser to the "server site" goes
 * through a delaying proxy (bench/delayProxy.ts), and the media is forced through coturn over
 * TCP behind the same kind of proxy, so every packet of a call crosses it.
 *
 *   browser ──25 ms── signaling server        (page, WebSocket)
 *   browser ──25 ms── coturn ──25 ms── browser  (media: TURN over TCP, relay-only)
 *
 * So each person has a 50 ms round trip to the server, and the two people 100 ms to each other
 * through the relay, as two people would who meet through a server between them.
 */
import type { Page } from '@playwright/test';
import type { IceServerConfig } from '../src/shared/messages.js';
import { startTurnServer } from '../test/e2e/support/turnServer.js';
import { startDelayProxy, type DelayOptions, type DelayProxy } from './delayProxy.js';
import type { InitScript } from './timedCall.js';

export interface EmulatedNetwork {
  /** Only the TURN-over-TCP server, behind its delaying proxy. */
  iceServers: IceServerConfig[];
  /** Puts a delaying proxy in front of a local TCP port; returns the proxy's port. */
  delayed(port: number): Promise<number>;
  close(): Promise<void>;
}

export async function startEmulatedNetwork(delay: DelayOptions): Promise<EmulatedNetwork> {
  const turn = await startTurnServer();
  const proxies: DelayProxy[] = [];
  const delayed = async (port: number) => {
    const proxy = await startDelayProxy(port, delay);
    proxies.push(proxy);
    return proxy.port;
  };
  try {
    const turnPort = await delayed(turn.port);
    return {
      iceServers: [{ urls: `turn:127.0.0.1:${turnPort}?transport=tcp`, ...turn.credentials('bench') }],
      delayed,
      async close() {
        for (const proxy of proxies) await proxy.close();
        await turn.stop();
      },
    };
  } catch (error) {
    for (const proxy of proxies) await proxy.close();
    await turn.stop();
    throw error;
  }
}

/**
 * Makes every RTCPeerConnection of a page relay-only, from outside the page's own code, so
 * the app and the minimal page are forced alike (and no host pair can skip the delay).
 * It also keeps them, for `expectRelayed`.
 */
export const FORCE_RELAY: InitScript = {
  content: `(() => {
    const Native = window.RTCPeerConnection;
    const made = (window.benchPeerConnections = []);
    const relay = (config) => ({ ...(config ?? {}), iceTransportPolicy: 'relay' });
    window.RTCPeerConnection = class extends Native {
      constructor(config) { super(relay(config)); made.push(this); }
      setConfiguration(config) { return super.setConfiguration(relay(config)); }
    };
  })();`,
};

/** Fails unless the page's open peer connection carries the call over a relay/relay pair. */
export async function expectRelayed(page: Page): Promise<void> {
  const types = await page.evaluate(async () => {
    const made = (window as unknown as { benchPeerConnections: RTCPeerConnection[] }).benchPeerConnections;
    const open = made.filter((pc) => pc.connectionState === 'connected');
    const found: string[] = [];
    for (const pc of open) {
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const byId = new Map(stats.map((entry) => [entry.id, entry]));
      for (const transport of stats.filter((entry) => entry.type === 'transport')) {
        const pair = byId.get(transport.selectedCandidatePairId);
        const local = pair && byId.get(pair.localCandidateId);
        const remote = pair && byId.get(pair.remoteCandidateId);
        found.push(`${String(local?.candidateType)}/${String(remote?.candidateType)}`);
      }
    }
    return found;
  });
  if (types.length === 0 || types.some((pair) => pair !== 'relay/relay')) {
    throw new Error(`The call did not go through the relay: selected pairs ${JSON.stringify(types)}.`);
  }
}
