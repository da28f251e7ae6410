import { type RollingFlag, type RollingResult, rollingFlags } from '../../core/rolling-detector.ts';
import { formatIso } from '../../core/timestamp.ts';
import type { WindowResult } from '../../core/window-detector.ts';

/** One flagged value with the fences it was judged against, and where it belongs. */
export interface FlagRow extends Omit<RollingFlag, 'index'> {
  readonly asset: string;
  readonly metric: string;
  readonly timeframe: number;
}

/**
 * The flagged values of window-mode results, in result order.
 *
 * @example
 * for (const row of windowFlagRows(detectWindow(set, options))) console.log(row.asset, row.score);
 */
export function* windowFlagRows(results: readonly WindowResult[]): Generator<FlagRow> {
  for (const r of results) {
    if (!r.fences) continue;
    for (const f of r.flags) {
      yield {
        asset: r.asset,
        metric: r.metric,
        timeframe: r.timeframe,
        time: f.time,
        value: f.value,
        direction: f.direction,
        score: f.score,
        lower: r.fences.lower,
        upper: r.fences.upper,
      };
    }
  }
}

/**
 * The flagged points of one rolling-mode result, in time order.
 *
 * Complexity: O(points).
 *
 * @example
 * for (const r of detectRolling(set, options)) for (const row of rollingFlagRows(r)) console.log(row.time);
 */
export function* rollingFlagRows(r: RollingResult): Generator<FlagRow> {
  for (const { index: _index, ...f } of rollingFlags(r)) {
    yield { asset: r.asset, metric: r.metric, timeframe: r.timeframe, ...f };
  }
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
 * One `--format ndjson` line (without the newline).
 *
 * @example
 * flagRowLine(row); // '{"asset":"terra-luna","metric":"latest_price","timeframe":7,…}'
 */
export function flagRowLine(row: FlagRow): string {
  return JSON.stringify({
    asset: row.asset,
    metric: row.metric,
    timeframe: row.timeframe,
    timestamp: formatIso(row.time),
    value: row.value,
    direction: row.direction,
    score: row.score,
    lower: row.lower,
    upper: row.upper,
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
