/**
 * A server a test runs beside it (coturn, PulseAudio): its output kept for a failing test to
 * show, a failure to start remembered, and `stop()`, which ends it by its pid (SIGTERM, then
 * SIGKILL if it lingers) and removes its temp dir.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const STOP_TIMEOUT_MS = 5_000;

export interface BackgroundProcess {
  child: ChildProcess;
  /** What it wrote to stdout and stderr so far. */
  output(): string;
  /** Why it could not be started (`ENOENT`: not installed), if it could not. */
  spawnError(): NodeJS.ErrnoException | undefined;
  stop(): Promise<void>;
}

/** Watches a process started with `spawnTracked` (or in a test host), which owns `dir`. */
export function watchProcess({ child, exited }: { child: ChildProcess; exited: Promise<void> }, dir: string): BackgroundProcess {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (error) => (spawnError = error));
  return {
    child,
    output: () => output,
    spawnError: () => spawnError,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
