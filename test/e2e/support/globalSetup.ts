import { access, constants } from 'node:fs/promises';
import { ownLeftovers, removeOwn, startRun, sweepLeftovers } from '../../support/testResources.js';

/**
 * Fails the run with a sentence, rather than skipping, when the browser or the build is missing;
 * removes what an earlier, killed run of this suite left on the machine; and gives this run a
 * temp folder of its own, so the browsers' profiles go nowhere else.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const browser = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  try {
    await access(browser, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium was not found at ${browser}. Run the tests with 'npm test' (it installs Debian's chromium), ` +
        `or install it with 'apt-get install chromium', or set CHROMIUM_PATH.`,
    );
  }
  try {
    await access(new URL('../../../dist/client/index.html', import.meta.url));
  } catch {
    throw new Error(`The client is not built; run 'npm run build' first (npm run test:e2e does it).`);
  }
  const removed = sweepLeftovers();
  if (removed.length > 0) console.log(`Removed what an earlier, stopped test run left: ${removed.join(', ')}.`);
  startRun();
  // Playwright runs this when the run ends, its workers gone: a test that left a process or a
  // namespace behind fails the run by name.
  return async () => {
    const left = ownLeftovers();
    removeOwn();
    if (left.length > 0) throw new Error(`The tests left these behind (now removed): ${left.join(', ')}.`);
  };
}
