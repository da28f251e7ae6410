import { quoteInput } from '../core/quote-input.ts';
import { InvalidTimestampError, parseIsoTimestamp } from '../core/timestamp.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_FIRST = /^(\d{2})-(\d{2})-(\d{4})$/;

/**
 * Reads a legacy producer's date, `2022-12-27` or `27-12-2022` (day first,
 * never month first), as the epoch milliseconds of that day's 00:00 UTC.
 *
 * @param text - the `date` field of a legacy request item
 * @returns start of that UTC day, epoch milliseconds
 * @throws {@link InvalidTimestampError} for any other format or an impossible date (`31-04-2022`),
 *   quoting the text as it was sent
 *
 * Complexity: O(1).
 *
 * @example
 * parseLegacyDate('27-12-2022'); // 1672099200000 (2022-12-27T00:00:00Z)
 */
export function parseLegacyDate(text: string): number {
  if (ISO_DATE.test(text)) return parseIsoTimestamp(text);
  const m = DAY_FIRST.exec(text);
  if (!m) throw new InvalidTimestampError(`${quoteInput(text)} is neither YYYY-MM-DD nor DD-MM-YYYY`);
  try {
    return parseIsoTimestamp(`${m[3]}-${m[2]}-${m[1]}`);
  } catch (e) {
    // The rewritten ISO text would quote "2022-02-31" for the "31-02-2022" that was sent.
    if (e instanceof InvalidTimestampError) {
      throw new InvalidTimestampError(`impossible date: ${quoteInput(text)} (day first)`);
    }
    throw e;
  }
}
