/** Stops a child process by its pid and waits for it to exit: `signal` first, SIGKILL after 5 s. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(child.pid!, signal);
  const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(child.pid!, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
