/**
 * Whether the call server is reachable, the way a call reaches it: open the signaling socket,
 * JOIN a throwaway room, wait for WELCOME (which also brings the ICE servers), LEAVE.
 */
import type { ClientMessage, IceServerConfig } from '../../shared/messages.js';
import { parseServerMessage } from '../../shared/parseServerMessage.js';
import { fail, ok, type CheckResult } from './checkResult.js';

export interface SignalingCheck {
  result: CheckResult;
  iceServers: IceServerConfig[] | null;
}

const throwawayRoom = () =>
  `check-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;

export function checkSignaling(url: URL, timeoutMs = 10_000): Promise<SignalingCheck> {
  const started = performance.now();
  const failed = (text: string): SignalingCheck => ({ result: fail(text), iceServers: null });
  const unreachable = failed(
    `Cannot reach the call server at ${url.host}. Check that you are online and that no firewall or proxy blocks WebSockets, then press Test again.`,
  );
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    let done = false;
    const finish = (check: SignalingCheck) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close(1000, 'Connection test done');
      resolve(check);
    };
    const timer = setTimeout(
      () => finish(failed(`The call server at ${url.host} did not answer within ${timeoutMs / 1000} s. Check your network, then press Test again.`)),
      timeoutMs,
    );
    const send = (message: ClientMessage) => socket.send(JSON.stringify(message));
    socket.addEventListener('open', () => send({ message_type: 'JOIN', content: { room: throwawayRoom(), name: 'Connection test' } }));
    socket.addEventListener('message', ({ data }) => {
      const parsed = typeof data === 'string' ? parseServerMessage(data) : null;
      if (!parsed?.ok) {
        return finish(failed('The call server sent something this page does not understand. Reload the page (it may be out of date), then press Test again.'));
      }
      const message = parsed.message;
      if (message.message_type === 'ERROR') return finish(failed(`The call server refused the test: ${message.content.message}`));
      if (message.message_type !== 'WELCOME') return;
      send({ message_type: 'LEAVE' });
      const ms = Math.round(performance.now() - started);
      finish({ result: ok(`The call server answered (${url.host}, ${ms} ms to join a room).`), iceServers: message.content.ice_servers });
    });
    socket.addEventListener('error', () => finish(unreachable));
    socket.addEventListener('close', () => finish(unreachable));
  });
}
