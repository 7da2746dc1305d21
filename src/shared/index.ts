export * from './errorCodes.js';
export * from './limits.js';
export * from './messages.js';
export type { ParseResult } from './parseResult.js';
