/**
 * Draws the laid-out statechart as SVG and marks, on request, the active states (the current
 * leaf with aria-current="true") and the transition just taken, with a connector to its target.
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
  /** `activeIds`: every active state, ancestors included; `leafIds`: the current states (one per region). */
  showActive(activeIds: ReadonlySet<string>, leafIds: ReadonlySet<string>): void;
  showTaken(transitionId: string | null): void;
}

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
  const defs = svg('defs', {});
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
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

  const connector = svg('path', { class: 'connector', 'marker-end': 'url(#arrow)', fill: 'none' });
  element.append(connector);
  let taken: SVGTextElement | null = null;

  return {
    element,
    showActive(activeIds, leafIds) {
      for (const [id, group] of groups) {
        group.classList.toggle('active', activeIds.has(id));
        if (leafIds.has(id)) group.setAttribute('aria-current', 'true');
        else group.removeAttribute('aria-current');
      }
    },
    showTaken(transitionId) {
      taken?.classList.remove('taken');
      const found = transitionId ? rows.get(transitionId) : undefined;
      taken = found?.text ?? null;
      taken?.classList.add('taken');
      const row = found?.row;
      const targetId = row?.transition.targetIds[0];
      const target = targetId ? boxes.get(targetId) : undefined;
      if (!row || !target) {
        connector.setAttribute('d', '');
        return;
      }
      // A curve from the end of the row to the nearer side of the target box.
      const startX = row.x + row.width + 2;
      const startY = row.y - 4;
      const endX = target.x + target.width < startX ? target.x + target.width : target.x;
      const endY = target.y + 10;
      const bend = Math.max(40, Math.abs(endY - startY) / 3);
      connector.setAttribute('d', `M${startX},${startY} C${startX + bend},${startY} ${endX + (endX > startX ? -bend : bend)},${endY} ${endX},${endY}`);
    },
  };
}
