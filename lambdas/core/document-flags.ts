import { type Direction, directionOf } from './fences.ts';
import type { RollingResult } from './rolling-detector.ts';
import type { SeriesSet } from './series.ts';
import type { WindowResult } from './window-detector.ts';

/** One flagged metric of one document, as stored under `anomalies.d<T>.flags`. */
export interface StoredFlag {
  readonly direction: Direction;
  /** Distance beyond the fence in IQR units; `null` when IQR is 0. */
  readonly score: number | null;
}

/** One flagged value as stored: `anomalies.d<T>.<metric>` (SPEC section 1). */
export interface FlagEntry extends StoredFlag {
  /** Epoch milliseconds: the window's end (window mode) or the point's own time (rolling mode). */
  readonly asOf: number;
}

/** Per document ref (see `AssetSeries.refs`): its flagged values, keyed by timeframe key (`d7`) then metric. */
export type DocumentFlags = Map<number, Record<string, Record<string, FlagEntry>>>;

/**
 * The key of a timeframe's sub-document: `d7` for 7 days.
 *
 * @example
 * timeframeKey(30); // 'd30'
 */
export function timeframeKey(timeframe: number): string {
  return `d${timeframe}`;
}

/**
 * Window mode: the flagged values of each document inside a timeframe's
 * window, in the stored shape (SPEC section 1: only flagged values are
 * written; "checked, nothing flagged" is the run summary's). Documents with
 * no flag get nothing.
 *
 * @param set - the series the results were computed on
 * @param results - from `detectWindow` on `set`
 * @param asOf - the window end used, epoch milliseconds
 * @returns entries per document ref
 *
 * Complexity: O(flags).
 *
 * @example
 * const entries = windowDocumentFlags(set, detectWindow(set, options), options.asOf);
 */
export function windowDocumentFlags(
  set: Pick<SeriesSet, 'series'>,
  results: readonly WindowResult[],
  asOf: number,
): DocumentFlags {
  const out: DocumentFlags = new Map();
  const byAsset = new Map(set.series.map((s) => [s.asset, s]));
  for (const r of results) {
    const series = byAsset.get(r.asset);
    if (!series) continue;
    const key = timeframeKey(r.timeframe);
    for (const f of r.flags) {
      entries(out, series.refs[f.index]!, key)[r.metric] = { direction: f.direction, score: f.score, asOf };
    }
  }
  return out;
}

/**
 * Rolling mode: the flagged points, each with its own time as `asOf`.
 *
 * @param results - from `detectRolling`
 * @returns entries per document ref
 *
 * Complexity: O(total points).
 *
 * @example
 * const entries = rollingDocumentFlags(detectRolling(set, options));
 */
export function rollingDocumentFlags(results: Iterable<RollingResult>): DocumentFlags {
  const out: DocumentFlags = new Map();
  for (const r of results) {
    const key = timeframeKey(r.timeframe);
    const { times, refs } = r.series;
    for (let i = 0; i < times.length; i++) {
      const direction = directionOf(r.direction[i]!);
      if (direction === null) continue;
      const score = r.score[i]!;
      entries(out, refs[i]!, key)[r.metric] = {
        direction,
        score: Number.isNaN(score) ? null : score,
        asOf: times[i]!,
      };
    }
  }
  return out;
}

function entries(out: DocumentFlags, ref: number, key: string): Record<string, FlagEntry> {
  let doc = out.get(ref);
  if (!doc) {
    doc = {};
    out.set(ref, doc);
  }
  doc[key] ??= {};
  return doc[key];
}
