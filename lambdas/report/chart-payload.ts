import { extent } from '../core/extent.ts';
import type { Direction } from '../core/fences.ts';
import { type ChartEvent, chartEvents } from './chart-events.ts';
import { spansDecades } from './chart-scale.ts';
import { safeId } from './html-escape.ts';
import { axisTitle, MetricUnit, metricUnit } from './metric-units.ts';
import type { ChartModel } from './report-model.ts';

/** How a chart's value axis is scaled. */
export const AxisKind = {
  Linear: 'linear',
  /** Base-10 log: prices and volumes that span more than two decades. */
  Log: 'log',
  /** Linear, 0–100 unless a value falls outside: scores compare across assets. */
  Score: 'score',
} as const;
/** One of {@link AxisKind}. */
export type AxisKind = (typeof AxisKind)[keyof typeof AxisKind];

/** One timeframe's fences at each point, aligned with {@link ChartPayload.times}; `null` = none (or not finite). */
export interface BandPayload {
  readonly timeframe: number;
  readonly lower: readonly (number | null)[];
  readonly upper: readonly (number | null)[];
}

/** One flag as the page draws it: a marker at `(time, value)`. */
export interface FlagPayload {
  readonly timeframe: number;
  readonly time: number;
  readonly value: number;
  readonly direction: Direction;
  /** IQR units beyond the fence; `null` when the window's IQR was 0. */
  readonly score: number | null;
}

/** Everything the page's script needs to draw one chart; plain JSON. */
export interface ChartPayload {
  /** HTML id of the chart's figure. */
  readonly id: string;
  readonly asset: string;
  readonly metric: string;
  readonly unit: MetricUnit;
  readonly axis: AxisKind;
  /** The value axis' title (name, unit, "log scale"). */
  readonly title: string;
  /**
   * Values are plotted divided by 10^exponent (0 for any realistic data) and
   * labelled with their true magnitude: the charting library stops drawing
   * ticks for numbers of more than 17 digits, so a corrupt 1e308 would leave
   * the axis blank.
   */
  readonly exponent: number;
  /** Observation times, epoch ms, ascending. */
  readonly times: readonly number[];
  /** Values; `null` = missing. */
  readonly values: readonly (number | null)[];
  readonly bands: readonly BandPayload[];
  readonly flags: readonly FlagPayload[];
  readonly events: readonly ChartEvent[];
}

/** Plotted magnitudes the charting library ticks reliably; outside them values are rescaled (see {@link ChartPayload.exponent}). */
const PLAIN_MAGNITUDE = { from: 1e-6, below: 1e12 } as const;

/**
 * The HTML id of a chart's figure, for links from the summary table.
 *
 * @example
 * chartId({ asset: 'terra-luna', metric: 'volume' }); // 'chart-terra-luna-volume'
 */
export function chartId(chart: Pick<ChartModel, 'asset' | 'metric'>): string {
  return safeId(`chart-${chart.asset}-${chart.metric}`);
}

/**
 * Turns one chart of the report model into the JSON its page script draws:
 * plain arrays instead of typed arrays, NaN and ±Infinity as `null`, the axis decision
 * (log when a USD series spans more than two decades, 0–100 for scores) and
 * the market events to shade.
 *
 * @param chart - one chart of the model
 * @param period - the report's shown period, epoch ms (selects the events)
 * @returns a JSON-serialisable object
 *
 * Complexity: O(points + steps + flags + events).
 *
 * @example
 * JSON.stringify(chartPayload(model.charts[0]!, model));
 */
export function chartPayload(chart: ChartModel, period: { from: number; to: number }): ChartPayload {
  const unit = metricUnit(chart.metric);
  const finite = Array.from(chart.values).filter(Number.isFinite);
  const axis =
    unit === MetricUnit.Score
      ? AxisKind.Score
      : unit === MetricUnit.Usd && spansDecades(finite)
        ? AxisKind.Log
        : AxisKind.Linear;
  return {
    id: chartId(chart),
    asset: chart.asset,
    metric: chart.metric,
    unit,
    axis,
    title: axisTitle(chart.metric, axis === AxisKind.Log),
    exponent: plotExponent(finite),
    times: Array.from(chart.times),
    values: finiteOrNull(chart.values),
    bands: chart.bands.map((b) => ({
      timeframe: b.timeframe,
      lower: finiteOrNull(b.lower),
      upper: finiteOrNull(b.upper),
    })),
    flags: chart.flags.map(({ timeframe, time, value, direction, score }) => ({
      timeframe,
      time,
      value,
      direction,
      score,
    })),
    events: chartEvents(chart.asset, period.from, period.to),
  };
}

/**
 * The power of ten a chart's values are divided by before plotting: 0 when
 * the largest magnitude is in [1e-6, 1e12), else that magnitude's exponent.
 *
 * @param values - finite values
 *
 * @example
 * plotExponent([1, -3e307]); // 307
 */
export function plotExponent(values: readonly number[]): number {
  const [min, max] = extent(values);
  const top = Math.max(Math.abs(min), Math.abs(max));
  if (!(top > 0) || (top >= PLAIN_MAGNITUDE.from && top < PLAIN_MAGNITUDE.below)) return 0;
  return Math.floor(Math.log10(top));
}

function finiteOrNull(values: Float64Array): (number | null)[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : null));
}
