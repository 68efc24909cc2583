// Hand-written SVG step chart: cumulative amount per series over time.
import { h, svg, amount, when } from './dom.js';

const COLOURS = ['#0b5cad', '#b3261e', '#116329', '#7a4a00', '#6f3fb3', '#00707a'];
// Series differ by dash pattern too, so overlapping lines stay visible and colour is not the only cue.
const DASHES = [null, '10 6', '3 4', '14 4 3 4'];

/** series: [{ name, points: [{ t: ms, v: cumulative }] }] */
export function stepChart(series, { title, width = 1100, height = 320 } = {}) {
  const pad = { l: 80, r: 20, t: 16, b: 40 };
  const all = series.flatMap((s) => s.points);
  const first = Math.min(...all.map((p) => p.t));
  const tMax = Math.max(Date.now(), ...all.map((p) => p.t));
  const tMin = first - Math.max(60_000, (tMax - first) * 0.05);
  const vMax = Math.max(1, ...all.map((p) => p.v));
  const span = Math.max(1, tMax - tMin);
  const x = (t) => pad.l + ((t - tMin) / span) * (width - pad.l - pad.r);
  const y = (v) => height - pad.b - (v / vMax) * (height - pad.t - pad.b);
  const parts = [];
  for (let i = 0; i <= 4; i++) {
    const v = (vMax * i) / 4;
    parts.push(svg('line', { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), stroke: '#d3d8df' }));
    parts.push(svg('text', { x: pad.l - 8, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#4a5361' }, amount(Math.round(v))));
  }
  parts.push(svg('text', { x: pad.l, y: height - 12, 'font-size': 12, fill: '#4a5361' }, when(tMin)));
  parts.push(svg('text', { x: width - pad.r, y: height - 12, 'font-size': 12, fill: '#4a5361', 'text-anchor': 'end' }, when(tMax)));
  series.forEach((s, i) => {
    let d = `M ${x(tMin)} ${y(0)}`;
    let last = 0;
    for (const p of s.points) {
      d += ` H ${x(p.t)} V ${y(p.v)}`;
      last = p.v;
    }
    d += ` H ${x(tMax)}`;
    parts.push(svg('path', { d, fill: 'none', stroke: COLOURS[i % COLOURS.length], 'stroke-width': 2.5,
      'stroke-dasharray': DASHES[i % DASHES.length] },
      svg('title', {}, `${s.name}: ${amount(last)}`)));
  });
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title }, svg('title', {}, title), ...parts);
  const legend = h('div', { class: 'legend' }, series.map((s, i) => h('span', {},
    svg('svg', { width: 28, height: 10, 'aria-hidden': 'true' }, svg('line', { x1: 0, y1: 5, x2: 28, y2: 5,
      stroke: COLOURS[i % COLOURS.length], 'stroke-width': 3, 'stroke-dasharray': DASHES[i % DASHES.length] })),
    ` ${s.name}: ${amount(s.points.at(-1).v)}`)));
  return h('figure', { class: 'chart' }, chart, h('figcaption', {}, legend));
}
