/** A consumer's lag over the last minutes, as a small inline SVG area chart. */
import type { LagSample } from '../../api/contract.js';
import { h, svg } from '../dom.js';
import { count, duration } from '../format.js';

const WIDTH = 150;
const HEIGHT = 36;

/** The least time a chart spans, so a few first samples do not stretch across it. */
const LEAST_SPAN = 10_000;

/**
 * The chart ends now and reaches back to the oldest sample, at most `keep` (what the server keeps):
 * a server sampling for a few seconds gets a chart of those seconds, not a line at its right edge.
 */
export function lagChart(samples: readonly LagSample[], keep: number, now: number): HTMLElement {
  const oldest = samples[0] ? now - new Date(samples[0].at).getTime() : 0;
  const span = Math.min(keep, Math.max(LEAST_SPAN, oldest));
  const peak = Math.max(1, ...samples.map((sample) => sample.lag));
  const x = (at: string) => Math.max(0, WIDTH - ((now - new Date(at).getTime()) / span) * WIDTH);
  const y = (lag: number) => HEIGHT - 2 - (lag / peak) * (HEIGHT - 4);
  const points = samples.map((sample) => `${x(sample.at).toFixed(1)},${y(sample.lag).toFixed(1)}`);
  const last = samples.at(-1);
  const label = last
    ? `Lag over the last ${duration(span)}: now ${count(last.lag)}, at most ${count(peak)}`
    : 'No lag samples yet';
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': label },
    svg('line', { x1: 0, x2: WIDTH, y1: HEIGHT - 1.5, y2: HEIGHT - 1.5, class: 'axis' }),
  );
  if (samples.length > 0) {
    const first = points[0]!.split(',')[0];
    const end = points.at(-1)!.split(',')[0];
    chart.append(
      svg('polygon', { points: `${first},${HEIGHT - 1.5} ${points.join(' ')} ${end},${HEIGHT - 1.5}`, class: 'area' }),
      svg('polyline', { points: points.join(' '), class: 'line' }),
    );
  }
  chart.append(svg('title', {}));
  chart.lastElementChild!.textContent = label;
  return h('span', { class: 'chart', title: label }, chart, h('span', { class: 'peak muted' }, `max ${count(peak)}`));
}
