// Builds the browser bundle and the server into dist/. `--watch` rebuilds on change.
import { build, context } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';

const watch = process.argv.includes('--watch');

const client = {
  entryPoints: ['src/client/main.ts'],
  outfile: 'dist/client/app.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
};

const server = {
  entryPoints: ['src/server/main.ts'],
  outdir: 'dist/server',
  bundle: true,
  // A module imported with import() gets a file of its own, with its packages: a single node
  // never loads the Redis client.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

await rm('dist', { recursive: true, force: true });
await mkdir('dist/client', { recursive: true });
await cp('src/client/public', 'dist/client', { recursive: true });

if (watch) {
  for (const options of [client, server]) await (await context(options)).watch();
  console.log('Watching src/ for changes…');
} else {
  await Promise.all([build(client), build(server)]);
  console.log('Built dist/client and dist/server.');
}
