/**
 * The messages people of a call send each other directly, on the peer connection's "app" data
 * channel (PROTOCOL.md, "Peer-to-peer messages"), as JSON schemas with their types. Validated on
 * receipt like the signaling messages; anything else is ignored, never shown.
 */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_CHAT_CHARS } from './peerChannel.js';

export const MediaMessage = Type.Object({
  type: Type.Literal('media'),
  audio: Type.Boolean(),
  video: Type.Boolean(),
  screen: Type.Boolean(),
});

export const ChatMessage = Type.Object({
  type: Type.Literal('chat'),
  id: Type.String({ minLength: 1, maxLength: 64 }),
  text: Type.String({ minLength: 1, maxLength: MAX_CHAT_CHARS }),
  sent_at: Type.Number(),
});

export const peerMessageSchemas = { media: MediaMessage, chat: ChatMessage };

export type MediaMessage = Static<typeof MediaMessage>;
export type ChatMessage = Static<typeof ChatMessage>;
export type PeerMessage = MediaMessage | ChatMessage;
/** What a person sends, as far as the others know: microphone, camera, screen. */
export type MediaState = Omit<MediaMessage, 'type'>;
