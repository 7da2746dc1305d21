import { peerMessageSchemas } from '../src/shared/peerMessages.js';
import { compiledCheckSource } from './compiledCheckSource.js';

/** The source of src/shared/generated/isPeerMessage.ts for the current schemas. */
export const peerMessageCheckSource = (): string => compiledCheckSource(peerMessageSchemas, 'peerMessages', 'isPeerMessage', 'PeerMessage');
