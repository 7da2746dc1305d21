import { access, constants } from 'node:fs/promises';

/** Fails the run with a sentence, rather than skipping, when the browser or the build is missing. */
export default async function globalSetup(): Promise<void> {
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
}
