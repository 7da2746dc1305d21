/**
 * Draws the laid-out statechart as SVG and marks, on request, the active states (the current
 * leaf with aria-current="true"), the transitions they accept, and the transition just taken,
 * with an arrow to its target. Pointing at any transition draws its arrow too, as Stately's
 * visualizer does, so a target far away is found without reading every box.
 */
import { allBoxes, FONT_SIZE, type RowBox, type StateBox } from './layout.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

export interface StatechartDrawing {
  element: SVGSVGElement;
  /** The chart's size at scale 1. */
  width: number;
  height: number;
  /** `activeIds`: every active state, ancestors included; `leafIds`: the current states (one per region). */
  showActive(activeIds: ReadonlySet<string>, leafIds: ReadonlySet<string>): void;
  showTaken(transitionId: string | null): void;
  setScale(scale: number): void;
  /** Where a state is drawn, at scale 1. */
  boxOf(stateId: string): StateBox | undefined;
}

/** A curve from the end of the row to the nearer side of the target box. */
function arrowPath(row: RowBox, target: StateBox): string {
  const startX = row.x + row.width + 2;
  const startY = row.y - 4;
  const endX = target.x + target.width < startX ? target.x + target.width : target.x;
  const endY = target.y + 10;
  const bend = Math.max(40, Math.abs(endY - startY) / 3);
  return `M${startX},${startY} C${startX + bend},${startY} ${endX + (endX > startX ? -bend : bend)},${endY} ${endX},${endY}`;
}

/** Several drawings share a page, so each needs its own marker id. */
let drawings = 0;

export function renderStatechart(root: StateBox, title: string): StatechartDrawing {
  const width = root.width + 2;
  const height = root.height + 2;
  const element = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    class: 'statechart',
    role: 'group',
    'aria-label': title,
    'font-size': FONT_SIZE,
  });
  const markerId = `arrow-${(drawings += 1)}`;
  const defs = svg('defs', {});
  const marker = svg('marker', { id: markerId, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }));
  defs.append(marker);
  element.append(defs);

  const groups = new Map<string, SVGGElement>();
  const rows = new Map<string, { text: SVGTextElement; row: RowBox }>();
  const boxes = new Map<string, StateBox>();

  for (const box of allBoxes(root)) {
    boxes.set(box.state.id, box);
    const parent = box.state.parentId === null ? undefined : boxes.get(box.state.parentId);
    // Regions of a parallel state run at once; a dashed border tells them from exclusive states.
    const kind = parent?.state.parallel ? 'state region' : 'state';
    const group = svg('g', { class: kind, 'data-state': box.state.path || box.state.id });
    const rect = svg('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 8 });
    const name = svg('text', { x: box.x + 8, y: box.y + 14, class: 'state-name' });
    name.textContent = box.state.parentId === null ? box.state.id : box.state.key;
    group.append(rect, name);
    for (const row of box.rows) {
      const text = svg('text', { x: row.x, y: row.y, class: 'transition', 'data-transition': row.transition.id });
      text.textContent = row.text;
      group.append(text);
      rows.set(row.transition.id, { text, row });
    }
    groups.set(box.state.id, group);
    // Children are appended after their parent, so they are drawn on top of it.
    (groups.get(box.state.parentId ?? '') ?? element).append(group);
  }

  const arrow = (kind: string) => svg('path', { class: `connector ${kind}`, 'marker-end': `url(#${markerId})`, fill: 'none' });
  const connector = arrow('taken');
  const pointed = arrow('pointed');
  element.append(connector, pointed);
  let taken: SVGTextElement | null = null;
  let pointedTarget: SVGGElement | null = null;

  /** Draws `path`'s arrow for a transition and returns the group of its target, if it has one. */
  const drawArrow = (path: SVGPathElement, transitionId: string | null) => {
    const found = transitionId ? rows.get(transitionId) : undefined;
    const targetId = found?.row.transition.targetIds[0];
    const target = targetId ? boxes.get(targetId) : undefined;
    path.setAttribute('d', found && target ? arrowPath(found.row, target) : '');
    return target ? groups.get(target.state.id) ?? null : null;
  };

  const point = (transitionId: string | null) => {
    pointedTarget?.classList.remove('target');
    pointedTarget = drawArrow(pointed, transitionId);
    pointedTarget?.classList.add('target');
  };
  element.addEventListener('pointerover', (event) => {
    const text = (event.target as Element).closest('[data-transition]');
    point(text?.getAttribute('data-transition') ?? null);
  });
  element.addEventListener('pointerleave', () => point(null));

  return {
    element,
    width,
    height,
    showActive(activeIds, leafIds) {
      for (const [id, group] of groups) {
        group.classList.toggle('active', activeIds.has(id));
        if (leafIds.has(id)) group.setAttribute('aria-current', 'true');
        else group.removeAttribute('aria-current');
      }
      // What the current states accept stands out; the rest of the chart recedes.
      for (const { text, row } of rows.values()) text.classList.toggle('available', activeIds.has(row.transition.sourceId));
    },
    showTaken(transitionId) {
      taken?.classList.remove('taken');
      taken = (transitionId ? rows.get(transitionId)?.text : undefined) ?? null;
      taken?.classList.add('taken');
      drawArrow(connector, transitionId);
    },
    setScale(scale) {
      element.setAttribute('width', String(Math.round(width * scale)));
      element.setAttribute('height', String(Math.round(height * scale)));
    },
    boxOf: (stateId) => boxes.get(stateId),
  };
}
