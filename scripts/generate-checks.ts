/**
 * Writes src/shared/generated/isServerMessage.ts and isPeerMessage.ts: the server-message and
 * peer-message schemas compiled ahead of time into plain code, so the page validates what the server sends without shipping the
 * schema library or evaluating code at run time. A unit test fails when this file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { peerMessageCheckSource } from './peerMessageCheckSource.js';
import { serverMessageCheckSource } from './serverMessageCheckSource.js';

const target = fileURLToPath(new URL('../src/shared/generated/isServerMessage.ts', import.meta.url));
await writeFile(target, serverMessageCheckSource());
console.log(`Wrote ${target}`);

const peerTarget = fileURLToPath(new URL('../src/shared/generated/isPeerMessage.ts', import.meta.url));
await writeFile(peerTarget, peerMessageCheckSource());
console.log(`Wrote ${peerTarget}`);
