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

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
