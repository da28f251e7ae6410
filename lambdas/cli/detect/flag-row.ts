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
 * The start of every `--format ndjson` line of one asset × metric ×
 * timeframe, up to the opening quote of the timestamp: computed once per
 * result, so that each line is one concatenation (see {@link flagLine}).
 *
 * @example
 * flagLinePrefix('terra-luna', 'latest_price', 7); // '{"asset":"terra-luna","metric":"latest_price","timeframe":7,"timestamp":"'
 */
export function flagLinePrefix(asset: string, metric: string, timeframe: number): string {
  return `{"asset":${JSON.stringify(asset)},"metric":${JSON.stringify(metric)},"timeframe":${jsonNumber(timeframe)},"timestamp":"`;
}

/**
 * One `--format ndjson` line (without the newline): exactly what
 * `JSON.stringify` prints for the object `{asset, metric, timeframe,
 * timestamp, value, direction, score, lower, upper}`, built without the object.
 *
 * @param prefix - from {@link flagLinePrefix}
 * @param timestamp - `formatIso` of the flag's time (ISO text needs no escaping)
 * @param f - the flag; non-finite numbers print as `null`, as in JSON
 * @param lower - the fences it was judged against
 * @param upper - likewise
 *
 * @example
 * flagLine(flagLinePrefix('a', 'm', 3), '2024-01-01T00:00:00.000Z', { value: 9, direction: 'high', score: 2 }, 0, 1);
 * // '{"asset":"a","metric":"m","timeframe":3,"timestamp":"2024-01-01T00:00:00.000Z","value":9,"direction":"high","score":2,"lower":0,"upper":1}'
 */
export function flagLine(
  prefix: string,
  timestamp: string,
  f: Pick<FlagRow, 'value' | 'direction' | 'score'>,
  lower: number,
  upper: number,
): string {
  const score = f.score === null ? 'null' : jsonNumber(f.score);
  return `${prefix}${timestamp}","value":${jsonNumber(f.value)},"direction":"${f.direction}","score":${score},"lower":${jsonNumber(lower)},"upper":${jsonNumber(upper)}}`;
}

// JSON.stringify prints finite numbers as Number#toString does, and anything else as null.
function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
