/**
 * Screen share in headless Chromium with no prompt, and the browser's own "Stop sharing".
 * Found on Debian's Chromium 156, headless:
 *
 * - `--auto-select-tab-capture-source-by-title=<title>` makes `getDisplayMedia()` share the open
 *   tab with that title (any browser context), with no prompt: a real tab capture
 *   (`displaySurface: "browser"`, 1280x720), whose picture is that tab's page.
 * - It needs `--use-fake-ui-for-media-stream` left out: that flag's fake picker wins and shares a
 *   fake "monitor" (with the fake-device flag) or fails with NotReadableError (without it).
 *   `--auto-accept-camera-and-microphone-capture` grants the camera in its place.
 *   `--auto-select-desktop-capture-source=<title>` also picks the tab; `--auto-accept-this-tab-capture`
 *   with `preferCurrentTab` closed the browser; real screen and window capture have no display here.
 * - The fake monitor never ends by itself, and `track.stop()` does not fire `ended` (by the
 *   spec). Closing the shared tab does: the sharing page's track goes to `ended` and fires the
 *   event, as the browser's "Stop sharing" bar would.
 */
import type { Browser, Page } from '@playwright/test';

export const SHARED_SCREEN_TITLE = 'peer-call shared screen';

/** Chromium flags that make `getDisplayMedia()` share the tab titled `SHARED_SCREEN_TITLE`. */
export function screenShareArgs(): string[] {
  return [`--auto-select-tab-capture-source-by-title=${SHARED_SCREEN_TITLE}`];
}

export interface SharedScreen {
  page: Page;
  /** Ends the share as the browser's own "Stop sharing" would: the sharer's track fires `ended`. */
  stopSharing(): Promise<void>;
}

/**
 * Opens the tab that a page's screen share will show: one colour nearly all over (red unless
 * told), so that a test tells it from a camera, with a small black square sliding across it and a
 * corner blinking, so that the picture moves. Open it before the share starts; one at a time.
 */
export async function openScreenToShare(browser: Browser, colour = '#ff0000'): Promise<SharedScreen> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  // A tab capture makes frames only when the tab repaints (a still page: none after the first), so
  // the share keeps sending, also on a sender given it later (switched in place of the camera).
  const slide = '@keyframes slide { to { transform: translateX(1120px) } }';
  const square = 'position:absolute;top:280px;left:20px;width:120px;height:120px;background:#000;animation:slide 3s linear infinite alternate';
  await page.setContent(
    `<title>${SHARED_SCREEN_TITLE}</title><style>${slide}</style><body style="margin:0;background:${colour}">` +
      `<div id="tick" style="width:8px;height:8px"></div><div style="${square}"></div>` +
      `<script>let n = 0; setInterval(() => { tick.style.background = n++ % 2 ? '#fff' : '#000'; }, 100);</script></body>`,
  );
  return { page, stopSharing: () => context.close() };
}
