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

/** The sub-document `anomalies.d<T>` of SPEC section 1: when it was checked and what was flagged. */
export interface TimeframeFlags {
  /** Epoch milliseconds: the window's end (window mode) or the point's own time (rolling mode). */
  readonly asOf: number;
  /** Only flagged metrics; empty = checked, nothing flagged. */
  readonly flags: Record<string, StoredFlag>;
}

/** Per document ref (see `AssetSeries.refs`): its sub-documents keyed `d3`, `d7`, … */
export type DocumentFlags = Map<number, Record<string, TimeframeFlags>>;

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
 * Window mode: the flag sub-documents of every document inside each
 * timeframe's window — the update that SPEC section 1 writes back.
 *
 * A document inside a window gets `d<T>: { asOf, flags }` even when nothing
 * was flagged (`flags: {}` means "checked"); documents outside every window
 * get nothing.
 *
 * @param set - the series the results were computed on
 * @param results - from `detectWindow` on `set`
 * @param asOf - the window end used, epoch milliseconds
 * @returns sub-documents per document ref
 *
 * Complexity: O(documents in windows × timeframes + flags).
 *
 * @example
 * const updates = windowDocumentFlags(set, detectWindow(set, options), options.asOf);
 */
export function windowDocumentFlags(
  set: SeriesSet,
  results: readonly WindowResult[],
  asOf: number,
): DocumentFlags {
  const out: DocumentFlags = new Map();
  const byAsset = new Map(set.series.map((s) => [s.asset, s]));
  for (const r of results) {
    const series = byAsset.get(r.asset);
    if (!series) continue;
    const key = timeframeKey(r.timeframe);
    for (let i = r.start; i < r.end; i++) entry(out, series.refs[i]!, key, asOf);
    for (const f of r.flags) {
      entry(out, series.refs[f.index]!, key, asOf).flags[r.metric] = {
        direction: f.direction,
        score: f.score,
      };
    }
  }
  return out;
}

/**
 * Rolling mode: the flag sub-documents of every point that had fences in at
 * least one metric, each with its own time as `asOf`.
 *
 * @param results - from `detectRolling`
 * @returns sub-documents per document ref
 *
 * Complexity: O(total points).
 *
 * @example
 * const updates = rollingDocumentFlags(detectRolling(set, options));
 */
export function rollingDocumentFlags(results: Iterable<RollingResult>): DocumentFlags {
  const out: DocumentFlags = new Map();
  for (const r of results) {
    const key = timeframeKey(r.timeframe);
    const { times, refs } = r.series;
    for (let i = 0; i < times.length; i++) {
      if (Number.isNaN(r.q1[i]!)) continue;
      const e = entry(out, refs[i]!, key, times[i]!);
      const direction = directionOf(r.direction[i]!);
      if (direction !== null) {
        const score = r.score[i]!;
        e.flags[r.metric] = { direction, score: Number.isNaN(score) ? null : score };
      }
    }
  }
  return out;
}

function entry(out: DocumentFlags, ref: number, key: string, asOf: number): TimeframeFlags {
  let doc = out.get(ref);
  if (!doc) {
    doc = {};
    out.set(ref, doc);
  }
  let tf = doc[key];
  if (!tf) {
    tf = { asOf, flags: {} };
    doc[key] = tf;
  }
  return tf;
}
