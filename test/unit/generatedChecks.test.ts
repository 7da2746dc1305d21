import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { peerMessageCheckSource } from '../../scripts/peerMessageCheckSource.js';
import { serverMessageCheckSource } from '../../scripts/serverMessageCheckSource.js';

describe('src/shared/generated/isServerMessage.ts', () => {
  it('matches the current schemas (run `npm run generate` after changing src/shared/messages.ts)', async () => {
    const committed = await readFile(new URL('../../src/shared/generated/isServerMessage.ts', import.meta.url), 'utf8');
    expect(committed).toBe(serverMessageCheckSource());
  });
});

describe('src/shared/generated/isPeerMessage.ts', () => {
  it('matches the current schemas (run `npm run generate` after changing src/shared/peerMessages.ts)', async () => {
    const committed = await readFile(new URL('../../src/shared/generated/isPeerMessage.ts', import.meta.url), 'utf8');
    expect(committed).toBe(peerMessageCheckSource());
  });
});
