/**
 * One zoom for every chart in the panel. "Fit" (the default) scales them so that all of them,
 * side by side, fit the panel: every current state is in view without scrolling. Zoomed in or
 * out, the charts share the panel's width and each scrolls inside its own viewport to keep its
 * latest current state in view.
 */
import { fitScaleFor, MIN_SCALE } from './chartFit.js';
import type { StatechartDrawing } from './renderStatechart.js';

export interface ZoomedChart {
  drawing: StatechartDrawing;
  /** The chart's scroll box, the drawing's parent. */
  viewport: HTMLElement;
}

export interface ChartZoom {
  add(chart: ZoomedChart): void;
  remove(chart: ZoomedChart): void;
  /** Keeps this state of the chart in view from now on. */
  keepInView(chart: ZoomedChart, stateId: string): void;
}

const STEP = 1.25;
const MAX_SCALE = 3;

/** The scroll position that shows `[start, start + size)`, moving as little as possible. */
function scrollFor(start: number, size: number, scroll: number, view: number): number {
  if (start < scroll || size > view) return start;
  return start + size > scroll + view ? start + size - view : scroll;
}

/** `tools` holds buttons with `data-zoom="fit|in|out"`; `area` is where the charts sit side by side. */
export function createChartZoom(tools: HTMLElement, area: HTMLElement): ChartZoom {
  let zoom: number | 'fit' = 'fit';
  let scale = 1;
  const charts = new Map<ZoomedChart, string | null>();

  const fitScale = () => {
    const first = charts.keys().next().value;
    if (!first) return 1;
    const height = parseFloat(getComputedStyle(first.viewport).maxHeight) || 400;
    return fitScaleFor([...charts.keys()].map((chart) => chart.drawing), { width: area.clientWidth, height });
  };

  const reveal = (chart: ZoomedChart) => {
    const box = zoom === 'fit' ? undefined : chart.drawing.boxOf(charts.get(chart) ?? '');
    if (!box) return;
    const { viewport } = chart;
    viewport.scrollLeft = scrollFor(box.x * scale, box.width * scale, viewport.scrollLeft, viewport.clientWidth);
    viewport.scrollTop = scrollFor(box.y * scale, box.height * scale, viewport.scrollTop, viewport.clientHeight);
  };

  const apply = () => {
    scale = zoom === 'fit' ? fitScale() : zoom;
    area.classList.toggle('fit', zoom === 'fit');
    tools.querySelector('[data-zoom="fit"]')?.setAttribute('aria-pressed', String(zoom === 'fit'));
    for (const chart of charts.keys()) chart.drawing.setScale(scale);
    for (const chart of charts.keys()) reveal(chart);
  };

  tools.addEventListener('click', (event) => {
    const how = (event.target as Element).closest<HTMLElement>('[data-zoom]')?.dataset.zoom;
    if (how === 'fit') zoom = 'fit';
    else if (how === 'in' || how === 'out') zoom = Math.min(MAX_SCALE, Math.max(MIN_SCALE, how === 'in' ? scale * STEP : scale / STEP));
    else return;
    apply();
  });
  // The panel's width follows the window: a fit follows the panel, and zoomed charts keep their states in view.
  new ResizeObserver(apply).observe(area);

  return {
    add(chart) {
      charts.set(chart, null);
      apply();
    },
    remove(chart) {
      charts.delete(chart);
      apply();
    },
    keepInView(chart, stateId) {
      charts.set(chart, stateId);
      reveal(chart);
    },
  };
}
