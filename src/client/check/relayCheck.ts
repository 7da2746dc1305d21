/**
 * Whether the relay really carries data: two relay-only peer connections in this page, one
 * sending bytes over a data channel through the TURN server to the other, which echoes them.
 */
import type { IceServerConfig } from '../../shared/messages.js';
import { fail, ok, type CheckResult } from './checkResult.js';

const CHUNK_BYTES = 8 * 1024;
const CHUNKS = 8;

async function selectedPairTypes(pc: RTCPeerConnection): Promise<string> {
  const stats = [...(await pc.getStats()).values()] as Record<string, string | undefined>[];
  const byId = new Map(stats.map((entry) => [entry.id, entry]));
  const transport = stats.find((entry) => entry.type === 'transport');
  const pair = byId.get(transport?.selectedCandidatePairId);
  return `${byId.get(pair?.localCandidateId)?.candidateType}/${byId.get(pair?.remoteCandidateId)?.candidateType}`;
}

export async function checkRelay(iceServers: IceServerConfig[], timeoutMs = 15_000): Promise<CheckResult> {
  const config: RTCConfiguration = { iceServers, iceTransportPolicy: 'relay' };
  const sender = new RTCPeerConnection(config);
  const echo = new RTCPeerConnection(config);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    sender.addEventListener('icecandidate', ({ candidate }) => candidate && void echo.addIceCandidate(candidate).catch(() => {}));
    echo.addEventListener('icecandidate', ({ candidate }) => candidate && void sender.addIceCandidate(candidate).catch(() => {}));
    echo.addEventListener('datachannel', ({ channel }) => {
      channel.binaryType = 'arraybuffer';
      channel.addEventListener('message', ({ data }) => channel.send(data as ArrayBuffer));
    });
    const channel = sender.createDataChannel('relay-check');
    channel.binaryType = 'arraybuffer';
    const started = performance.now();
    const echoed = new Promise<number>((resolve) => {
      let received = 0;
      channel.addEventListener('open', () => {
        for (let n = 0; n < CHUNKS; n += 1) channel.send(new Uint8Array(CHUNK_BYTES).fill(n));
      });
      channel.addEventListener('message', ({ data }) => {
        received += (data as ArrayBuffer).byteLength;
        if (received >= CHUNK_BYTES * CHUNKS) resolve(performance.now() - started);
      });
    });
    const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    await sender.setLocalDescription();
    await echo.setRemoteDescription(sender.localDescription!);
    await echo.setLocalDescription();
    await sender.setRemoteDescription(echo.localDescription!);
    const ms = await Promise.race([echoed, timedOut]);
    if (ms === null) {
      return fail(
        `The relay gave addresses but carried no data within ${timeoutMs / 1000} s: a firewall may block the TURN server's relay ports. ` +
          'Try another network, or ask whoever runs this call server to open its relay port range.',
      );
    }
    const path = await selectedPairTypes(sender);
    return ok(`${(CHUNK_BYTES * CHUNKS) / 1024} KB went through the relay and back in ${Math.round(ms)} ms (path ${path}).`);
  } finally {
    clearTimeout(timer);
    sender.close();
    echo.close();
  }
}
