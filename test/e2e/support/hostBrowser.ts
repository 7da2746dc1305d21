import { chromium, type Browser } from '@playwright/test';
import type { TestNetwork } from './testNetwork.js';

/** A person's Chromium inside test host A or B, with a fake camera, for a page at `origin`. */
export function launchInHost(network: TestNetwork, host: 'a' | 'b', origin: string): Promise<Browser> {
  return chromium.launch({
    executablePath: network.chromiumIn(host),
    args: [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      // The test hosts reach the page over plain http on a private address.
      `--unsafely-treat-insecure-origin-as-secure=${origin}`,
    ],
  });
}
