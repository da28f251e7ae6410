import type { Closed } from '../../lambdas/core/detector-options.ts';
import { DirectionCode } from '../../lambdas/core/fences.ts';
import type { RollingResult } from '../../lambdas/core/rolling-detector.ts';
import type { AssetSeries } from '../../lambdas/core/series.ts';
import { hour } from './set-fixture.ts';

/** The rolling options the writers' tests detect with: short windows, so that small sets flag. */
export function rollingOptions(closed: Closed) {
  return { closed, timeframes: [1, 3, 7], deviationLimit: 1.5, minSamples: 3 } as const;
}

/** A rolling result of one metric with the given per-point numbers (each fence `q1` unless given). */
export function result(
  series: AssetSeries,
  points: {
    readonly q1: readonly number[];
    readonly q3?: readonly number[];
    readonly lower?: readonly number[];
    readonly upper?: readonly number[];
    readonly direction?: readonly number[];
    readonly score?: readonly number[];
  },
  metricIndex = 0,
  timeframe = 3,
): RollingResult {
  const n = series.times.length;
  const column = (xs: readonly number[] | undefined) => Float64Array.from(xs ?? points.q1);
  return {
    asset: series.asset,
    metric: `m${metricIndex}`,
    timeframe,
    closed: 'left',
    series,
    metricIndex,
    q1: column(points.q1),
    q3: column(points.q3),
    iqr: new Float64Array(n),
    lower: column(points.lower),
    upper: column(points.upper),
    direction: Int8Array.from(points.direction ?? new Array<number>(n).fill(DirectionCode.None)),
    score: Float64Array.from(points.score ?? new Array<number>(n).fill(Number.NaN)),
  };
}

/** A series of hourly points from 2024-01-01, refs 0, 1, …, one value list per metric. */
export function seriesOf(asset: string, values: readonly (readonly number[])[]): AssetSeries {
  const n = values[0]?.length ?? 0;
  return {
    asset,
    times: Float64Array.from({ length: n }, (_, i) => hour(i)),
    refs: Float64Array.from({ length: n }, (_, i) => i),
    values: values.map((v) => Float64Array.from(v)),
  };
}
