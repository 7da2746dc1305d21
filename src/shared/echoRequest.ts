/**
 * The request a page makes to have the server's echo peer join its room (`POST /echo`), and the
 * answers. This is an HTTP route beside the signaling protocol, not part of it: the echo peer
 * itself joins through `/ws` like any client.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PeerId, RoomId } from './messages.js';

export const EchoRequest = Type.Object(
  { room: RoomId, peer_id: PeerId },
  { expected: 'an object like {"room": "my-room", "peer_id": "<your peer_id from WELCOME>"}' },
);
export type EchoRequest = Static<typeof EchoRequest>;

/** 202: the echo peer is on its way into the room; it leaves after `max_seconds`. */
export interface EchoStarted {
  max_seconds: number;
}

/** Any refusal: `message` says what was wrong and what to do. */
export interface EchoRefused {
  error: string;
  message: string;
}
