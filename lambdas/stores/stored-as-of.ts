import { InvalidTimestampError, toEpochMillis } from '../core/timestamp.ts';

/**
 * The `asOf` of a stored sub-document, epoch ms; `-Infinity` when there is
 * none or it is unreadable (any computed result may then replace it).
 *
 * @example
 * storedAsOf({ asOf: { $date: '2022-05-15T00:00:00Z' }, flags: {} }); // 1652572800000
 */
export function storedAsOf(sub: unknown): number {
  if (sub === null || typeof sub !== 'object') return Number.NEGATIVE_INFINITY;
  try {
    return toEpochMillis((sub as Record<string, unknown>).asOf);
  } catch (e) {
    if (e instanceof InvalidTimestampError) return Number.NEGATIVE_INFINITY;
    throw e;
  }
}
