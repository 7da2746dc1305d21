/**
 * Whether the call server is reachable, the way a call reaches it: open the signaling socket,
 * JOIN a throwaway room, wait for WELCOME (which also brings the ICE servers), LEAVE.
 */
import type { IceServerConfig } from '../../shared/messages.js';
import { parseServerMessage } from '../../shared/parseServerMessage.js';
import { fail, ok, type CheckResult } from './checkResult.js';

export interface SignalingCheck {
  result: CheckResult;
  iceServers: IceServerConfig[] | null;
}

type SocketLike = Pick<WebSocket, 'send' | 'close' | 'addEventListener'>;

export function checkSignaling(
  url: URL,
  open: (url: URL) => SocketLike = (target) => new WebSocket(target),
  timeoutMs = 10_000,
): Promise<SignalingCheck> {
  const started = performance.now();
  const room = `check-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
  let resolve: (check: SignalingCheck) => void = () => {};
  const promise = new Promise<SignalingCheck>((settle) => (resolve = settle));
  const unreachable = `Cannot reach the call server at ${url.host}. Check that you are online and that no firewall or proxy blocks WebSockets, then press Test again.`;
  const socket = open(url);
  let done = false;
  const finish = (check: SignalingCheck) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.close(1000, 'Connection test done');
    resolve(check);
  };
  const timer = setTimeout(
    () => finish({ result: fail(`The call server at ${url.host} did not answer within ${timeoutMs / 1000} s. Check your network, then press Test again.`), iceServers: null }),
    timeoutMs,
  );
  socket.addEventListener('open', () => socket.send(JSON.stringify({ message_type: 'JOIN', content: { room, name: 'Connection test' } })));
  socket.addEventListener('message', ({ data }) => {
    const parsed = typeof data === 'string' ? parseServerMessage(data) : null;
    if (!parsed?.ok) return finish({ result: fail(`The call server sent something this page does not understand. Reload the page (it may be out of date), then press Test again.`), iceServers: null });
    const message = parsed.message;
    if (message.message_type === 'ERROR') {
      return finish({ result: fail(`The call server refused the test: ${message.content.message}`), iceServers: null });
    }
    if (message.message_type !== 'WELCOME') return;
    socket.send(JSON.stringify({ message_type: 'LEAVE' }));
    const ms = Math.round(performance.now() - started);
    finish({ result: ok(`The call server answered (${url.host}, ${ms} ms to join a room).`), iceServers: message.content.ice_servers });
  });
  socket.addEventListener('error', () => finish({ result: fail(unreachable), iceServers: null }));
  socket.addEventListener('close', () => finish({ result: fail(unreachable), iceServers: null }));
  return promise;
}
