import { SeriesBuilder, type SeriesSet } from '../../lambdas/core/series.ts';

/** One observation for {@link buildSet}: asset, epoch ms, one value per metric. */
export type Row = readonly [asset: string, time: number, values: readonly number[]];

/** A series set from rows given in input order; each ref is the row's position. */
export function buildSet(metrics: readonly string[], rows: readonly Row[]): SeriesSet {
  const b = new SeriesBuilder(metrics);
  rows.forEach(([asset, time, values], i) => {
    b.add(asset, time, values, i);
  });
  return b.build();
}

/**
 * A deep copy of everything in a set as plain arrays, to prove afterwards that
 * a detector did not write into its typed arrays (which `Object.freeze` cannot lock).
 */
export function snapshot(set: SeriesSet): unknown {
  return {
    metrics: [...set.metrics],
    badValues: { ...set.badValues },
    observations: set.observations,
    series: set.series.map((s) => ({
      asset: s.asset,
      times: Array.from(s.times),
      refs: Array.from(s.refs),
      values: s.values.map((v) => Array.from(v)),
    })),
  };
}

/** Epoch ms of an hour offset from 2024-01-01T00:00Z. */
export function hour(h: number): number {
  return Date.UTC(2024, 0, 1) + h * 3_600_000;
}

/** Freezes a plain object or array and everything inside it (typed arrays excepted: they cannot be frozen). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Two points at hour 0 and three at hour 1, values 1, 2, 3, 10, 5 (pandas 2.3.3's rolling windows in test/core/rolling-detector.test.ts). */
export const DUPLICATE_INSTANTS = buildSet(
  ['v'],
  [
    ['a', hour(0), [1]],
    ['a', hour(0), [2]],
    ['a', hour(1), [3]],
    ['a', hour(1), [10]],
    ['a', hour(1), [5]],
  ],
);
