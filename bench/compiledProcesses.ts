/**
 * The benchmarks' other servers (the floors, PeerJS's server) compiled to plain JavaScript in
 * dist/bench/, so that they run on plain node as this server's dist/server/main.js does: through
 * tsx, each process would also carry tsx's loader thread (about 34 MB resident), which is no part
 * of the server being measured.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const entries = { floorRelayProcess: 'floorRelayProcess.ts', peerJsProcess: 'peerJsProcess.ts' } as const;

export type CompiledProcess = keyof typeof entries;

/** Builds every entry; returns the path of each compiled file, to hand to `node`. */
export async function compileProcesses(): Promise<Record<CompiledProcess, string>> {
  const outdir = fileURLToPath(new URL('../dist/bench', import.meta.url));
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, fileURLToPath(new URL(`./${file}`, import.meta.url))])),
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
  return { floorRelayProcess: `${outdir}/floorRelayProcess.mjs`, peerJsProcess: `${outdir}/peerJsProcess.mjs` };
}
