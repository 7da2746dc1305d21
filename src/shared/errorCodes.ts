export const ERROR_CODES = [
  'BAD_JSON',
  'BAD_MESSAGE',
  'NOT_JOINED',
  'ALREADY_JOINED',
  'ROOM_FULL',
  'UNKNOWN_PEER',
  'RATE_LIMITED',
  // The server cannot take calls just now (e.g. it lost its Redis): try again in a few seconds.
  'UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
