export const ERROR_CODES = [
  'BAD_JSON',
  'BAD_MESSAGE',
  'NOT_JOINED',
  'ALREADY_JOINED',
  'ROOM_FULL',
  'UNKNOWN_PEER',
  'RATE_LIMITED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
