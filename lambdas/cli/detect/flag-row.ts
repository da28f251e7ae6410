import type { RollingFlag } from '../../core/rolling-detector.ts';

/** One flagged value with the fences it was judged against, and where it belongs. */
export interface FlagRow extends Omit<RollingFlag, 'index'> {
  readonly asset: string;
  readonly metric: string;
  readonly timeframe: number;
}

/**
 * Orders flags by severity: higher score first, `null` scores (IQR 0) after
 * every numeric one, then by asset, metric, timeframe and time for a stable listing.
 *
 * @example
 * rows.sort(bySeverity);
 */
export function bySeverity(a: FlagRow, b: FlagRow): number {
  if (a.score !== b.score) {
    if (a.score === null) return 1;
    if (b.score === null) return -1;
    return b.score - a.score;
  }
  return (
    compareText(a.asset, b.asset) ||
    compareText(a.metric, b.metric) ||
    a.timeframe - b.timeframe ||
    a.time - b.time
  );
}

/**
 * One `--format ndjson` line (without the newline): the flag, its fences and
 * where it belongs, keys in this order. `JSON.stringify` of a fresh object is
 * as fast as building the text by hand (measured: number formatting dominates).
 *
 * @param r - the result the flag belongs to
 * @param timestamp - `formatIso` of the flag's time
 * @param f - the flag
 * @param lower - the fences it was judged against
 * @param upper - likewise
 *
 * @example
 * flagLine({ asset: 'a', metric: 'm', timeframe: 3 }, '2024-01-01T00:00:00.000Z', { value: 9, direction: 'high', score: 2 }, 0, 1);
 * // '{"asset":"a","metric":"m","timeframe":3,"timestamp":"2024-01-01T00:00:00.000Z","value":9,"direction":"high","score":2,"lower":0,"upper":1}'
 */
export function flagLine(
  r: Pick<FlagRow, 'asset' | 'metric' | 'timeframe'>,
  timestamp: string,
  f: Pick<FlagRow, 'value' | 'direction' | 'score'>,
  lower: number,
  upper: number,
): string {
  return JSON.stringify({
    asset: r.asset,
    metric: r.metric,
    timeframe: r.timeframe,
    timestamp,
    value: f.value,
    direction: f.direction,
    score: f.score,
    lower,
    upper,
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
