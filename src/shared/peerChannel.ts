/**
 * The data channel of PROTOCOL.md's "Peer-to-peer messages", without the schemas: the page
 * imports this, and checks messages with the code generated from peerMessages.ts.
 */

/** The data channel both sides create alike before the first offer. */
export const APP_CHANNEL = { label: 'app', id: 0 } as const;

export const MAX_CHAT_CHARS = 2_000;
