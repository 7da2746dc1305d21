/**
 * The signaling socket, as an actor: it joins the room when started, turns each server message
 * into a machine event, sends what the machine asks, and leaves the room when stopped.
 */
import { fromCallback } from 'xstate';
import type { ClientMessage } from '../../shared/messages.js';
import { parseServerMessage } from '../../shared/parseServerMessage.js';
import type { SignalEvent, SignalingCommand, SignalingInput } from '../machine/events.js';
import { serverMessageToEvent } from '../machine/serverMessageToEvent.js';

function toClientMessage(command: SignalingCommand): ClientMessage {
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

export function createSignalingActor(url: URL) {
  return fromCallback<SignalingCommand, SignalingInput>(({ input, sendBack, receive }) => {
    const socket = new WebSocket(url);
    let opened = false;
    let leaving = false;
    const send = (message: ClientMessage) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    };

    socket.addEventListener('open', () => {
      opened = true;
      send({ message_type: 'JOIN', content: input });
    });
    socket.addEventListener('message', ({ data }) => {
      if (typeof data !== 'string') return;
      const parsed = parseServerMessage(data);
      if (!parsed.ok) {
        console.warn(`Ignored a message from the server: ${parsed.reason}`);
        return;
      }
      const event = serverMessageToEvent(parsed.message);
      if (event.type === 'signal.error') console.warn(`Server said ${event.code}: ${event.message}`);
      sendBack(event);
    });
    socket.addEventListener('close', ({ code }) => {
      if (leaving) return;
      const reason = opened
        ? `The connection to the call server was lost (code ${code}). Check your network, then press Try again.`
        : `Cannot reach the call server at ${url.host}. Check that it is running and that you are online, then press Try again.`;
      sendBack({ type: 'signal.lost', reason } satisfies SignalEvent);
    });

    receive((command) => send(toClientMessage(command)));

    return () => {
      leaving = true;
      send({ message_type: 'LEAVE' });
      socket.close(1000, 'Left the call');
    };
  });
}
