/**
 * The data channel of PROTOCOL.md's "Peer-to-peer messages", without the schemas: the page
 * imports this, and checks messages with the code generated from peerMessages.ts.
 */
import type { MediaState } from './peerMessages.js';

/** The data channel both sides create alike before the first offer. */
export const APP_CHANNEL = { label: 'app', id: 0 } as const;

export const MAX_CHAT_CHARS = 2_000;

/** What a person sends until they say otherwise (PROTOCOL.md's `media`): microphone and camera, no screen. */
export const MEDIA_AT_START: Readonly<MediaState> = { audio: true, video: true, screen: false };
