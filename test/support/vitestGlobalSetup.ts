import { ownLeftovers, removeOwn, startRun, sweepLeftovers } from './testResources.js';

/** Removes what a stopped earlier run left; at the end, fails the run if a test left anything. */
export default function setup(): () => void {
  const removed = sweepLeftovers();
  if (removed.length > 0) console.log(`Removed what an earlier, stopped test run left: ${removed.join(', ')}.`);
  startRun();
  return () => {
    const left = ownLeftovers();
    removeOwn();
    if (left.length === 0) return;
    // Vitest reports an error thrown here but still exits 0: set the exit code too.
    process.exitCode = 1;
    throw new Error(`The tests left these behind (now removed): ${left.join(', ')}.`);
  };
}
