import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { serverMessageCheckSource } from '../../scripts/serverMessageCheckSource.js';

describe('src/shared/generated/isServerMessage.ts', () => {
  it('matches the current schemas (run `npm run generate` after changing src/shared/messages.ts)', async () => {
    const committed = await readFile(new URL('../../src/shared/generated/isServerMessage.ts', import.meta.url), 'utf8');
    expect(committed).toBe(serverMessageCheckSource());
  });
});
