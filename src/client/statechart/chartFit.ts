/**
 * Zoom to fit, as arithmetic: the largest scale at which the charts, wrapped onto lines as the
 * page wraps them, fit the panel. No DOM, so it is tested on its own.
 */
/** Space between charts, as in the stylesheet's `.charts { gap }`. */
const GAP = 8;
/** A fitted chart is never narrower than its caption needs (`.charts.fit .machine-chart { min-width }`). */
const MIN_SLOT = 96;
/** What another line of charts costs besides the charts: the gap and the captions. */
const LINE_GAP = GAP + 48;
export const MIN_SCALE = 0.05;

export interface Size {
  width: number;
  height: number;
}

/** Whether charts of these sizes, at `scale`, wrapped onto lines as the page wraps them, fit `area`. */
export function fitsAt(sizes: readonly Size[], area: Size, scale: number): boolean {
  let lineWidth = 0;
  let lineHeight = 0;
  let used = 0;
  for (const size of sizes) {
    // A pixel to spare, so that rounding never brings up a scroll bar.
    const slot = Math.max(size.width * scale, MIN_SLOT) + 1;
    if (lineWidth && lineWidth + GAP + slot > area.width) {
      used += lineHeight + LINE_GAP;
      lineWidth = 0;
      lineHeight = 0;
    }
    lineWidth += (lineWidth ? GAP : 0) + slot;
    lineHeight = Math.max(lineHeight, size.height * scale + 1);
  }
  return lineWidth <= area.width && used + lineHeight <= area.height;
}

/** The largest scale, up to 1, at which the charts fit `area` (each chart's viewport is `area.height` high at most). */
export function fitScaleFor(sizes: readonly Size[], area: Size): number {
  let scale = 1;
  while (scale > MIN_SCALE && !fitsAt(sizes, area, scale)) scale *= 0.97;
  return Math.max(scale, MIN_SCALE);
}
