import { InvalidTimestampError, toEpochMillis } from '../core/timestamp.ts';

/**
 * A stored instant (a `Date`, `{"$date": …}`, ISO text), epoch ms; `-Infinity`
 * when it is missing or unreadable, so that it counts as older than any
 * evaluation (any computed result may then replace it).
 *
 * @example
 * storedInstant({ $date: '2022-05-15T00:00:00Z' }); // 1652572800000
 * storedInstant('garbage'); // -Infinity
 */
export function storedInstant(value: unknown): number {
  try {
    return toEpochMillis(value);
  } catch (e) {
    if (e instanceof InvalidTimestampError) return Number.NEGATIVE_INFINITY;
    throw e;
  }
}

/**
 * The `asOf` of a stored entry, epoch ms; `-Infinity` when there is none or
 * it is unreadable (see {@link storedInstant}).
 *
 * @example
 * storedAsOf({ direction: 'high', score: 2, asOf: { $date: '2022-05-15T00:00:00Z' } }); // 1652572800000
 */
export function storedAsOf(entry: unknown): number {
  if (entry === null || typeof entry !== 'object') return Number.NEGATIVE_INFINITY;
  return storedInstant((entry as Record<string, unknown>).asOf);
}
