/** Numbers of the wire contract (PROTOCOL.md); both sides import them so they cannot drift. */

export const SIGNALING_PATH = '/ws';
export const DEFAULT_PORT = 1337;

/** A larger frame closes the socket with code 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_SDP_CHARS = 60_000;
export const MAX_NAME_CHARS = 64;
export const MAX_PEER_ID_CHARS = 64;
export const MAX_RESUME_TOKEN_CHARS = 128;
export const ROOM_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** WebSocket close codes the server uses. */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_INTERNAL_ERROR = 1011;
/** The server closes a socket whose seat another socket resumed (a newer tab, a reconnect). */
export const CLOSE_REPLACED = 4000;

/** Where a page asks the server for a test call with its echo peer (see src/shared/echoRequest.ts). */
export const ECHO_PATH = '/echo';
