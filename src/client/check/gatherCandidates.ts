/**
 * Which kinds of ICE candidates this network gives with the server's ICE servers: one peer
 * connection with a data channel, gathering until it is complete (or a time limit).
 */
import type { IceServerConfig } from '../../shared/messages.js';
import type { GatherError, Gathered } from './describeNetwork.js';

export async function gatherCandidates(iceServers: IceServerConfig[], timeoutMs = 10_000): Promise<Gathered> {
  const pc = new RTCPeerConnection({ iceServers });
  const types = new Set<string>();
  const errors: GatherError[] = [];
  try {
    const complete = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      pc.addEventListener('icecandidate', ({ candidate }) => {
        if (candidate?.type) types.add(candidate.type);
        if (!candidate) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    pc.addEventListener('icecandidateerror', (event) => {
      const { url, errorCode, errorText } = event as RTCPeerConnectionIceErrorEvent;
      errors.push({ url, code: errorCode, text: errorText });
    });
    pc.createDataChannel('check');
    await pc.setLocalDescription();
    await complete;
    return { types, errors };
  } finally {
    pc.close();
  }
}
