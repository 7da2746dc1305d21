/**
 * The points of a sparkline: one value a second, oldest on the left, scaled so the largest
 * value seen fills the height. A gap (null) is left out rather than drawn as zero.
 */
export function sparklinePoints(values: readonly (number | null)[], width: number, height: number, slots: number): string {
  const top = Math.max(0, ...values.map((value) => value ?? 0));
  const step = slots > 1 ? width / (slots - 1) : 0;
  // The newest value sits at the right edge; older ones step left from it.
  const offset = slots - values.length;
  const points: string[] = [];
  values.forEach((value, index) => {
    if (value === null) return;
    const x = (offset + index) * step;
    const y = top > 0 ? height - (value / top) * height : height;
    points.push(`${round(x)},${round(y)}`);
  });
  return points.join(' ');
}

const round = (value: number) => Math.round(value * 10) / 10;
