/**
 * The signaling link, as an actor: it joins the room when started, turns each server message
 * into a machine event, sends what the machine asks, and leaves the room when stopped.
 *
 * When the socket drops after a successful join it reconnects by itself (see backoff.ts) and
 * joins again with the resume token, so the server gives back the same seat; messages the
 * machine sends meanwhile wait and go out, in order, once the server has welcomed us back.
 */
import { fromCallback } from 'xstate';
import { CLOSE_REPLACED } from '../../shared/limits.js';
import type { ClientMessage } from '../../shared/messages.js';
import { parseServerMessage } from '../../shared/parseServerMessage.js';
import type { SignalEvent, SignalingCommand, SignalingInput } from '../machine/events.js';
import { serverMessageToEvent } from '../machine/serverMessageToEvent.js';
import { reconnectDelay } from './backoff.js';
import type { CallSession } from './callSession.js';

/** The code this side closes with when the server asked to be tried again later. */
const CLOSE_TRY_AGAIN = 4001;

/** Beyond this many waiting messages the oldest go: a renegotiation will resend what matters. */
const OUTBOX_LIMIT = 500;

function toClientMessage(command: Exclude<SignalingCommand, { type: 'refresh' }>): ClientMessage {
  switch (command.type) {
    case 'send.description':
      return { message_type: 'SDP', to: command.to, content: command.description };
    case 'send.candidate':
      return { message_type: 'CANDIDATE', to: command.to, content: command.candidate };
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

export function createSignalingActor(url: URL, session: CallSession, random: () => number = Math.random) {
  return fromCallback<SignalingCommand, SignalingInput>(({ input, sendBack, receive }) => {
    const emit = (event: SignalEvent) => sendBack(event);
    const outbox: ClientMessage[] = [];
    let socket: WebSocket | null = null;
    let welcomed = false;
    let everWelcomed = false;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const flush = () => {
      while (welcomed && socket?.readyState === WebSocket.OPEN && outbox.length) {
        socket.send(JSON.stringify(outbox.shift()));
      }
    };

    const connect = () => {
      const ws = new WebSocket(url);
      socket = ws;
      welcomed = false;
      ws.addEventListener('open', () => {
        const resume = session.resumeToken();
        const join: ClientMessage = { message_type: 'JOIN', content: resume ? { ...input, resume } : { ...input } };
        ws.send(JSON.stringify(join));
      });
      ws.addEventListener('message', ({ data }) => {
        if (socket !== ws || typeof data !== 'string') return;
        const parsed = parseServerMessage(data);
        if (!parsed.ok) {
          console.warn(`Ignored a message from the server: ${parsed.reason}`);
          return;
        }
        const message = parsed.message;
        if (message.message_type === 'WELCOME') {
          session.saveResumeToken(message.content.resume);
          welcomed = true;
          everWelcomed = true;
          attempt = 0;
        }
        if (message.message_type === 'ERROR' && message.content.code === 'UNAVAILABLE' && !welcomed) {
          // This server cannot seat anyone just now (its Redis is down): try again, with
          // back-off, as after a drop; behind a load balancer the next try may reach another node.
          console.warn(`Server said UNAVAILABLE: ${message.content.message}`);
          ws.close(CLOSE_TRY_AGAIN, 'Server unavailable');
          return;
        }
        const event = serverMessageToEvent(message);
        if (event.type === 'signal.error') console.warn(`Server said ${event.code}: ${event.message}`);
        emit(event);
        flush();
      });
      ws.addEventListener('close', ({ code }) => {
        if (stopped || socket !== ws) return;
        socket = null;
        welcomed = false;
        if (!everWelcomed && code !== CLOSE_TRY_AGAIN) {
          emit({
            type: 'signal.lost',
            reason: `Cannot reach the call server at ${url.host}. Check that it is running and that you are online, then press Try again.`,
          });
          return;
        }
        if (code === CLOSE_REPLACED) {
          emit({
            type: 'signal.lost',
            reason: 'This call was opened in another tab or window, which took it over. Close this one, or press Try again to take it back.',
          });
          return;
        }
        const delay = reconnectDelay(attempt, random());
        attempt += 1;
        if (delay === null) {
          emit({
            type: 'signal.lost',
            reason: `The connection to the call server was lost (code ${code}) and did not come back. Check your network, then press Try again.`,
          });
          return;
        }
        if (attempt === 1) emit({ type: 'signal.disconnected' });
        retry = setTimeout(connect, delay);
      });
    };

    receive((command) => {
      if (command.type === 'refresh') {
        // Only a link that has joined is refreshed; one still connecting is new already.
        if (!welcomed || !socket) return;
        const old = socket;
        socket = null;
        old.close(1000, 'Refreshing the link');
        emit({ type: 'signal.disconnected' });
        attempt = 1;
        connect();
        return;
      }
      outbox.push(toClientMessage(command));
      if (outbox.length > OUTBOX_LIMIT) outbox.shift();
      flush();
    });
    connect();

    return () => {
      stopped = true;
      clearTimeout(retry);
      if (socket?.readyState === WebSocket.OPEN && welcomed) socket.send(JSON.stringify({ message_type: 'LEAVE' }));
      socket?.close(1000, 'Left the call');
    };
  });
}
