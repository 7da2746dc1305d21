import { serverMessageSchemas } from '../src/shared/messages.js';
import { compiledCheckSource } from './compiledCheckSource.js';

/** The source of src/shared/generated/isServerMessage.ts for the current schemas. */
export const serverMessageCheckSource = (): string => compiledCheckSource(serverMessageSchemas, 'messages', 'isServerMessage', 'ServerMessage');
