import { extent } from '../core/extent.ts';
import { Direction } from '../core/fences.ts';
import { formatIso } from '../core/timestamp.ts';
import { linearScale, logScale, type Scale, spansDecades, timeTicks } from './chart-scale.ts';
import { escapeHtml, safeId } from './html-escape.ts';
import { axisTitle, formatValue, MetricUnit, metricUnit } from './metric-units.ts';
import type { ChartFlag, ChartModel, FenceBand } from './report-model.ts';

/** Colour of each timeframe's band, by position in the report's timeframe list (cycled). */
export const TIMEFRAME_COLOURS = ['#e6550d', '#756bb1', '#31a354', '#636363', '#c51b8a'] as const;

/**
 * The colour of the timeframe at `position` in the report's list.
 *
 * @example
 * timeframeColour(0); // '#e6550d'
 */
export function timeframeColour(position: number): string {
  return TIMEFRAME_COLOURS[position % TIMEFRAME_COLOURS.length]!;
}

const WIDTH = 960;
const HEIGHT = 290;
const MARGIN = { left: 86, right: 18, top: 36, bottom: 44 } as const;
/** Below this many shown points every observation also gets a dot. */
const DOT_LIMIT = 150;
/** Vertical distance between the stacked markers of successive timeframes. */
const MARKER_STACK = 9;

/**
 * Draws one asset × metric chart as a standalone inline SVG: the series, each
 * timeframe's fences as a stepped band, and one marker per flag (per flagged
 * point per timeframe), each carrying `data-flag="high|low"`,
 * `data-timeframe` and `data-time`.
 *
 * Markers point up (red) for high and down (blue) for low; the markers of
 * one point stack outwards in timeframe order, the shortest nearest. Price,
 * volume and market cap use a log axis when the shown values span more than
 * two decades (the axis title says so); scores always span 0–100.
 *
 * @param chart - the chart's data
 * @param timeframes - the report's timeframes (fixes colours and stacking order)
 * @returns SVG markup; no external references
 *
 * Complexity: O(points + flags).
 *
 * @example
 * renderChartSvg(model.charts[0]!, model.timeframes);
 */
export function renderChartSvg(chart: ChartModel, timeframes: readonly number[]): string {
  const id = chartId(chart);
  const unit = metricUnit(chart.metric);
  const x0 = MARGIN.left;
  const x1 = WIDTH - MARGIN.right;
  const yBottom = HEIGHT - MARGIN.bottom;
  const yTop = MARGIN.top;
  const n = chart.times.length;
  const tFrom = n > 0 ? chart.times[0]! : 0;
  const tTo = n > 0 ? chart.times[n - 1]! : 1;
  const pad = n > 1 ? (tTo - tFrom) / (n - 1) / 2 : 43_200_000;
  const xScale = linearTime(tFrom - pad, tTo + pad, x0, x1);
  const y = valueScale(chart, unit, [yBottom, yTop]);
  const title = `${chart.asset} — ${chart.metric}`;
  const parts = [
    `<svg class="chart" id="${id}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}" data-asset="${escapeHtml(chart.asset)}" data-metric="${escapeHtml(chart.metric)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<defs><clipPath id="${id}-clip"><rect x="${x0}" y="${yTop}" width="${x1 - x0}" height="${yBottom - yTop}"/></clipPath></defs>`,
    yAxis(y, unit, x0, x1),
    xAxis(xScale, tFrom - pad, tTo + pad, yBottom, yTop),
    `<text class="axis-title" transform="translate(16 ${(yTop + yBottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(axisTitle(chart.metric, y.kind === 'log'))}</text>`,
    `<text class="axis-title" x="${(x0 + x1) / 2}" y="${HEIGHT - 6}" text-anchor="middle">date (UTC)</text>`,
    `<g clip-path="url(#${id}-clip)">`,
    ...chart.bands.map((b) => bandSvg(b, timeframes.indexOf(b.timeframe), xScale, y)),
    `<path class="series" d="${seriesPath(chart, xScale, y)}"/>`,
    n <= DOT_LIMIT ? dots(chart, xScale, y) : '',
    '</g>',
    `<g class="flags">${chart.flags.map((f) => markerSvg(chart, f, timeframes, xScale, y, unit)).join('')}</g>`,
    n === 0
      ? `<text class="empty" x="${(x0 + x1) / 2}" y="${(yTop + yBottom) / 2}">no data in the period</text>`
      : '',
    '</svg>',
  ];
  return parts.join('');
}

/**
 * The HTML id of a chart's SVG, for links from the summary table.
 *
 * @example
 * chartId({ asset: 'terra-luna', metric: 'volume' }); // 'chart-terra-luna-volume'
 */
export function chartId(chart: Pick<ChartModel, 'asset' | 'metric'>): string {
  return safeId(`chart-${chart.asset}-${chart.metric}`);
}

type TimeScale = (t: number) => number;

function linearTime(from: number, to: number, x0: number, x1: number): TimeScale {
  const span = to - from || 1;
  return (t) => x0 + ((t - from) / span) * (x1 - x0);
}

function valueScale(chart: ChartModel, unit: MetricUnit, range: readonly [number, number]): Scale {
  if (unit === MetricUnit.Score) return linearScale([0, 100], range);
  const finite = [...chart.values].filter(Number.isFinite);
  if (finite.length === 0) return linearScale([0, 1], range);
  if (unit === MetricUnit.Usd && spansDecades(finite)) {
    const positive = finite.filter((v) => v > 0);
    return logScale(extent(positive), range);
  }
  let [lo, hi] = extent(finite);
  // Fences widen the axis only a little, so a far fence cannot flatten the series; the band is clipped instead.
  const span = hi - lo || Math.abs(hi) || 1;
  for (const band of chart.bands) {
    for (const s of band.steps) {
      lo = Math.min(lo, Math.max(s.lower, lo - 0.15 * span));
      hi = Math.max(hi, Math.min(s.upper, hi + 0.15 * span));
    }
  }
  if (unit === MetricUnit.Usd || unit === MetricUnit.Percent) lo = Math.max(lo, 0);
  return linearScale([lo, hi], range);
}

function yAxis(y: Scale, unit: MetricUnit, x0: number, x1: number): string {
  const lines = y.ticks.map((v) => {
    const py = r(y.at(v));
    return `<line class="grid" x1="${x0}" x2="${x1}" y1="${py}" y2="${py}"/><text class="tick" x="${x0 - 6}" y="${py}" dy="0.32em" text-anchor="end">${escapeHtml(formatValue(v, unit))}</text>`;
  });
  return `<g class="y-axis">${lines.join('')}</g>`;
}

function xAxis(x: TimeScale, from: number, to: number, yBottom: number, yTop: number): string {
  const ticks = timeTicks(from, to).map(({ time, label }) => {
    const px = r(x(time));
    return `<line class="grid" x1="${px}" x2="${px}" y1="${yTop}" y2="${yBottom}"/><text class="tick" x="${px}" y="${yBottom + 16}" text-anchor="middle">${label}</text>`;
  });
  return `<g class="x-axis"><line class="axis" x1="${r(x(from))}" x2="${r(x(to))}" y1="${yBottom}" y2="${yBottom}"/>${ticks.join('')}</g>`;
}

function bandSvg(band: FenceBand, position: number, x: TimeScale, y: Scale): string {
  const runs: FenceBand['steps'][number][][] = [];
  for (const s of band.steps) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run[run.length - 1]!.to === s.from) run.push(s);
    else runs.push([s]);
  }
  let upper = '';
  let lower = '';
  let fill = '';
  for (const run of runs) {
    const up = stepped(run, (s) => s.upper, x, y);
    const down = stepped(run, (s) => s.lower, x, y);
    upper += up;
    lower += down;
    fill += `${up}${reversed(run, x, y)}Z`;
  }
  const colour = timeframeColour(position);
  return `<g class="band tf-${position}" data-timeframe="${band.timeframe}"><path class="band-fill" fill="${colour}" d="${fill}"/><path class="fence" stroke="${colour}" d="${upper}"/><path class="fence" stroke="${colour}" d="${lower}"/></g>`;
}

function stepped(
  run: readonly FenceBand['steps'][number][],
  pick: (s: FenceBand['steps'][number]) => number,
  x: TimeScale,
  y: Scale,
): string {
  let d = `M${r(x(run[0]!.from))} ${r(y.at(pick(run[0]!)))}`;
  run.forEach((s, i) => {
    if (i > 0) d += `V${r(y.at(pick(s)))}`;
    d += `H${r(x(s.to))}`;
  });
  return d;
}

/** The lower fence walked backwards, closing the fill polygon of a run. */
function reversed(run: readonly FenceBand['steps'][number][], x: TimeScale, y: Scale): string {
  const last = run[run.length - 1]!;
  let d = `L${r(x(last.to))} ${r(y.at(last.lower))}H${r(x(last.from))}`;
  for (let i = run.length - 2; i >= 0; i--) d += `V${r(y.at(run[i]!.lower))}H${r(x(run[i]!.from))}`;
  return d;
}

function seriesPath(chart: ChartModel, x: TimeScale, y: Scale): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < chart.times.length; i++) {
    const v = chart.values[i]!;
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${r(x(chart.times[i]!))} ${r(y.at(v))}`;
    pen = true;
  }
  return d;
}

function dots(chart: ChartModel, x: TimeScale, y: Scale): string {
  let out = '';
  for (let i = 0; i < chart.times.length; i++) {
    const v = chart.values[i]!;
    if (Number.isFinite(v))
      out += `<circle class="dot" cx="${r(x(chart.times[i]!))}" cy="${r(y.at(v))}" r="1.8"/>`;
  }
  return out;
}

function markerSvg(
  chart: ChartModel,
  f: ChartFlag,
  timeframes: readonly number[],
  x: TimeScale,
  y: Scale,
  unit: MetricUnit,
): string {
  const position = timeframes.indexOf(f.timeframe);
  const high = f.direction === Direction.High;
  const px = r(x(f.time));
  const offset = 8 + position * MARKER_STACK;
  const cy = y.at(f.value) + (high ? -offset : offset);
  const tip = high
    ? `M${px} ${r(cy - 4.5)}L${r(px + 4.5)} ${r(cy + 3.5)}L${r(px - 4.5)} ${r(cy + 3.5)}Z`
    : `M${px} ${r(cy + 4.5)}L${r(px + 4.5)} ${r(cy - 3.5)}L${r(px - 4.5)} ${r(cy - 3.5)}Z`;
  const score = f.score === null ? 'IQR 0 (no score)' : `score ${f.score.toFixed(2)}`;
  const text =
    `${chart.asset} ${chart.metric} ${formatIso(f.time)}: ${formatValue(f.value, unit)} — ${f.direction} vs ` +
    `${f.timeframe}-day fences [${formatValue(f.lower, unit)}, ${formatValue(f.upper, unit)}], ${score}`;
  return `<path class="flag ${f.direction} tf-${position}" stroke="${timeframeColour(position)}" data-flag="${f.direction}" data-timeframe="${f.timeframe}" data-time="${formatIso(f.time)}" d="${tip}"><title>${escapeHtml(text)}</title></path>`;
}

/** Pixel coordinates to one decimal: enough for any screen, and it keeps files small. */
function r(v: number): number {
  return Math.round(v * 10) / 10;
}
