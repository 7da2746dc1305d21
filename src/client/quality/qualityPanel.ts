/**
 * The call quality panel: per person, the figures of the connection with them and a chart of
 * the last minute (round trip and bitrate in). Hidden until the "Call quality" button or the I
 * key opens it. It only draws what the quality monitor hands it.
 */
import { element } from '../view/element.js';
import { bindShortcuts } from '../view/shortcuts.js';
import { formatBitrate, formatMs, formatPercent, formatVideo } from './formatQuality.js';
import { HISTORY_LENGTH, type PersonQuality } from './qualityMonitor.js';
import { describePath, type Quality } from './qualityStats.js';
import { sparklinePoints } from './sparkline.js';

const SVG = 'http://www.w3.org/2000/svg';
const CHART = { width: 180, height: 36 };

/** The figures in the order shown: label, what it reads, the number kept for tools. */
const FIELDS: ReadonlyArray<[field: string, label: string, text: (q: Quality) => string, value: (q: Quality) => number | null]> = [
  ['rtt', 'Round trip', (q) => formatMs(q.rttMs), (q) => q.rttMs],
  ['loss', 'Loss', (q) => formatPercent(q.lossPercent), (q) => q.lossPercent],
  ['jitter', 'Jitter', (q) => formatMs(q.jitterMs), (q) => q.jitterMs],
  ['bitrate-in', 'In', (q) => formatBitrate(q.bitrateIn), (q) => q.bitrateIn],
  ['bitrate-out', 'Out', (q) => formatBitrate(q.bitrateOut), (q) => q.bitrateOut],
  ['video-in', 'Video in', (q) => formatVideo(q.videoIn), (q) => q.videoIn?.fps ?? null],
  ['video-out', 'Video out', (q) => formatVideo(q.videoOut), (q) => q.videoOut?.fps ?? null],
  ['path', 'Path', (q) => describePath(q.path), () => null],
];

interface Card {
  root: HTMLElement;
  name: HTMLElement;
  level: HTMLElement;
  values: Map<string, HTMLElement>;
  rtt: SVGPolylineElement;
  bitrate: SVGPolylineElement;
}

function makeCard(): Card {
  const root = document.createElement('article');
  root.className = 'quality-person';
  const heading = document.createElement('h3');
  const name = document.createElement('span');
  const level = document.createElement('span');
  level.className = 'quality-level';
  heading.append(name, ' ', level);
  const list = document.createElement('dl');
  const values = new Map<string, HTMLElement>();
  for (const [field, label] of FIELDS) {
    const row = document.createElement('div');
    const term = document.createElement('dt');
    term.textContent = label;
    const value = document.createElement('dd');
    value.dataset.field = field;
    row.append(term, value);
    list.append(row);
    values.set(field, value);
  }
  const chart = document.createElementNS(SVG, 'svg');
  chart.setAttribute('class', 'sparkline');
  chart.setAttribute('viewBox', `0 0 ${CHART.width} ${CHART.height}`);
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', 'Last minute: round trip (yellow) and bitrate in (blue)');
  const line = (kind: string) => {
    const polyline = document.createElementNS(SVG, 'polyline');
    polyline.setAttribute('class', kind);
    chart.append(polyline);
    return polyline;
  };
  root.append(heading, list, chart);
  return { root, name, level, values, rtt: line('rtt'), bitrate: line('bitrate-in') };
}

function fill(card: Card, person: PersonQuality): void {
  card.root.dataset.key = person.key;
  card.root.setAttribute('aria-label', person.name);
  card.name.textContent = person.name;
  card.level.textContent = person.level ?? 'measuring…';
  if (person.level) card.root.dataset.quality = person.level;
  else delete card.root.dataset.quality;
  // For tools and tests: the decoded frames, which grow while their video comes.
  card.root.dataset.framesDecoded = String(person.quality?.framesDecoded ?? 0);
  for (const [field, , text, value] of FIELDS) {
    const cell = card.values.get(field)!;
    cell.textContent = person.quality ? text(person.quality) : '–';
    const number = person.quality ? value(person.quality) : null;
    if (number === null) delete cell.dataset.value;
    else cell.dataset.value = String(number);
  }
  const draw = (line: SVGPolylineElement, values: (number | null)[]) =>
    line.setAttribute('points', sparklinePoints(values, CHART.width, CHART.height, HISTORY_LENGTH));
  draw(card.rtt, person.history.map((sample) => sample.rttMs));
  draw(card.bitrate, person.history.map((sample) => sample.bitrateIn));
}

export function createQualityPanel(root: Document) {
  const panel = element(root, 'call-quality', HTMLElement);
  const toggle = element(root, 'quality-toggle', HTMLButtonElement);
  const list = element(root, 'call-quality-people', HTMLElement);
  const empty = element(root, 'call-quality-empty', HTMLElement);
  const cards = new Map<string, Card>();

  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => setOpen(panel.hidden));
  bindShortcuts(root, { i: () => setOpen(panel.hidden) });
  setOpen(false);

  return {
    render(people: readonly PersonQuality[]): void {
      const keys = new Set(people.map((person) => person.key));
      for (const [key, card] of cards) {
        if (keys.has(key)) continue;
        card.root.remove();
        cards.delete(key);
      }
      for (const person of people) {
        const card = cards.get(person.key) ?? makeCard();
        cards.set(person.key, card);
        fill(card, person);
        list.append(card.root);
      }
      empty.hidden = people.length > 0;
      toggle.hidden = people.length === 0;
    },
  };
}
