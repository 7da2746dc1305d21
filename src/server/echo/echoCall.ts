/**
 * One test call: the echo peer joins the person's room like any client, over a real WebSocket
 * to the server's own `/ws`, and follows PROTOCOL.md from there. It ends, leaving the room and
 * releasing everything, when the person leaves, when the time limit is up, when its socket
 * closes (the server is shutting down), or when it is stopped.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { CandidateContent, ClientMessage, ServerMessage, ServerMessageOf } from '../../shared/messages.js';
import { parseServerMessage } from '../../shared/parseServerMessage.js';
import { createEchoResponder } from './echoMessages.js';
import { createEchoPeer, type EchoPeer } from './echoPeer.js';

export interface EchoCallOptions {
  /** `ws://…/ws` of this very server. */
  signalingUrl: string;
  room: string;
  /** The peer who asked for the call; the echo peer talks to nobody else. */
  partner: string;
  maxMs: number;
  additionalHostAddresses: readonly string[];
  /** A line for the server's log: what the call ignored or held back. */
  log(message: string): void;
  /** Told once, when the call is over and everything it held is released. */
  ended(reason: string): void;
}

export interface EchoCall {
  /** Ends the call now; resolves once everything is released. */
  stop(reason: string): Promise<void>;
}

const ECHO_NAME = 'Echo';

/** `ice_transport_policy` is optional in WELCOME (PROTOCOL.md); "all" when left out. */
const transportPolicy = (content: ServerMessageOf<'WELCOME'>['content']) => content.ice_transport_policy ?? 'all';

export function startEchoCall(options: EchoCallOptions): EchoCall {
  // This server's own socket, by its address: its certificate names a host, not that address.
  const socket = new WebSocket(options.signalingUrl, { rejectUnauthorized: false });
  let peer: EchoPeer | null = null;
  let stopping: Promise<void> | null = null;

  const send = (message: ClientMessage) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const timeLimit = setTimeout(() => void stop('time limit reached'), options.maxMs);
  const responder = createEchoResponder({
    send: (message) => peer?.sendOnChannel(JSON.stringify(message)) ?? false,
    log: options.log,
    now: () => Date.now(),
    newId: () => randomUUID(),
  });

  function stop(reason: string): Promise<void> {
    stopping ??= (async () => {
      clearTimeout(timeLimit);
      responder.close();
      send({ message_type: 'LEAVE' });
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close(1000, 'Test call over');
      await peer?.close();
      options.ended(reason);
    })();
    return stopping;
  }

  async function welcomed(content: ServerMessageOf<'WELCOME'>['content']) {
    if (!content.peers.some((other) => other.peer_id === options.partner)) {
      await stop('the person who asked left before the echo peer joined');
      return;
    }
    const created = await createEchoPeer({
      iceServers: content.ice_servers,
      iceTransportPolicy: transportPolicy(content),
      additionalHostAddresses: options.additionalHostAddresses,
      sendDescription: (description) => send({ message_type: 'SDP', to: options.partner, content: description }),
      sendCandidate: (candidate: CandidateContent) => send({ message_type: 'CANDIDATE', to: options.partner, content: candidate }),
      failed: (reason) => void stop(reason),
      channelOpened: () => responder.opened(),
      channelMessage: (data) => responder.received(data),
    });
    // Stopped while werift was loading: nothing of the call may outlive it.
    if (stopping) return void (await created.close());
    peer = created;
    // The later joiner makes the offer (PROTOCOL.md, Rooms).
    peer.offer();
  }

  function receive(message: ServerMessage) {
    switch (message.message_type) {
      case 'WELCOME':
        welcomed(message.content).catch((error: unknown) => void stop(`could not start: ${String(error)}`));
        return;
      case 'PEER_LEFT':
        if (message.content.peer_id === options.partner) void stop('the person left');
        return;
      case 'SDP':
        if (message.from === options.partner) peer?.receiveDescription(message.content);
        return;
      case 'CANDIDATE':
        if (message.from === options.partner) peer?.receiveCandidate(message.content);
        return;
      case 'ERROR':
        // ROOM_FULL, or a room gone: this call cannot happen. Anything else is not ours to fix.
        if (message.content.code === 'ROOM_FULL' || peer === null) void stop(`the server said ${message.content.code}: ${message.content.message}`);
        return;
      case 'PEER_JOINED':
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  socket.on('open', () => send({ message_type: 'JOIN', content: { room: options.room, name: ECHO_NAME } }));
  socket.on('message', (data, isBinary) => {
    if (isBinary || stopping) return;
    const parsed = parseServerMessage(data.toString());
    if (parsed.ok) receive(parsed.message);
  });
  // No reconnect: a test call that lost its server is over.
  socket.on('close', () => void stop('the signaling socket closed'));
  socket.on('error', () => void stop('the signaling socket failed'));

  return { stop };
}
