/**
 * The benchmarks' other servers (the floors, PeerJS's server) compiled to plain JavaScript in
 * dist/bench/, so that they run on plain node as this server's dist/server/main.js does: through
 * tsx, each process would also carry tsx's loader thread (about 34 MB resident), which is no part
 * of the server being measured.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const PROCESSES = ['floorRelayProcess', 'peerJsProcess'] as const;

export type CompiledProcess = (typeof PROCESSES)[number];

const outdir = fileURLToPath(new URL('../dist/bench', import.meta.url));
let built: Promise<unknown> | undefined;

/** The compiled file of bench/<name>.ts, to hand to `node`; every entry is built once, on first use. */
export async function compiledProcess(name: CompiledProcess): Promise<string> {
  built ??= build({
    entryPoints: PROCESSES.map((entry) => fileURLToPath(new URL(`./${entry}.ts`, import.meta.url))),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Packages resolve from the project's node_modules, as the server's do.
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  await built;
  return `${outdir}/${name}.mjs`;
}
