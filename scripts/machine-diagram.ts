/**
 * Writes docs/callMachine.md and the diagram block of README.md from the call machine, so the
 * pictures show the statechart the code runs. A unit test fails when either is stale.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { machineDiagramDocument, readmeWithMachineDiagram } from './machineDiagramSource.js';

const docs = fileURLToPath(new URL('../docs/callMachine.md', import.meta.url));
const readme = fileURLToPath(new URL('../README.md', import.meta.url));

await mkdir(fileURLToPath(new URL('../docs/', import.meta.url)), { recursive: true });
await writeFile(docs, machineDiagramDocument());
console.log(`Wrote ${docs}`);
await writeFile(readme, readmeWithMachineDiagram(await readFile(readme, 'utf8')));
console.log(`Updated the diagram in ${readme}`);
