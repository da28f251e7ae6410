/** Thrown when a time field cannot be read as a UTC instant. */
export class InvalidTimestampError extends Error {
  override readonly name = 'InvalidTimestampError';
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses an ISO-8601 date or date-time into epoch milliseconds (UTC).
 *
 * A time without an offset is UTC (as pandas localizes naive times), unlike
 * `Date.parse`, which would read it as local time. Impossible calendar dates
 * (`2022-02-30`) and out-of-range fields are rejected rather than rolled over.
 * Fractions beyond milliseconds are truncated.
 *
 * @param text - e.g. `2022-05-12`, `2022-05-12T00:00:00Z`, `2022-05-12 06:30:00.250+02:00`
 * @returns epoch milliseconds
 * @throws {@link InvalidTimestampError} when the text is not such a date
 *
 * Complexity: O(length of text).
 *
 * @example
 * parseIsoTimestamp('2022-05-12'); // 1652313600000
 */
export function parseIsoTimestamp(text: string): number {
  const m = ISO.exec(text.trim());
  if (!m) throw new InvalidTimestampError(`not an ISO-8601 date: ${JSON.stringify(text.slice(0, 64))}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new InvalidTimestampError(`impossible date: ${JSON.stringify(text.slice(0, 64))}`);
  }
  return local - offsetMinutes(zone) * 60_000;
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) throw new InvalidTimestampError(`bad UTC offset: ${zone}`);
  return sign * (hours * 60 + minutes);
}

/**
 * Reads a time field: an ISO string, `{"$date": ISO}`, `{"$date": {"$numberLong": ms}}`,
 * `{"$date": ms}`, a `Date` (as the MongoDB driver returns) or epoch milliseconds.
 *
 * @param value - the raw field value
 * @returns epoch milliseconds (UTC)
 * @throws {@link InvalidTimestampError} for anything else, or an invalid date
 *
 * Complexity: O(length of the text).
 *
 * @example
 * toEpochMillis({ $date: { $numberLong: '1652313600000' } }); // 1652313600000
 */
export function toEpochMillis(value: unknown): number {
  if (typeof value === 'string') return parseIsoTimestamp(value);
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
  } else if (value instanceof Date) {
    const t = value.getTime();
    if (Number.isFinite(t)) return t;
  } else if (value !== null && typeof value === 'object' && '$date' in value) {
    const inner = (value as { $date: unknown }).$date;
    if (typeof inner === 'string') return parseIsoTimestamp(inner);
    if (typeof inner === 'number' && Number.isFinite(inner)) return inner;
    if (inner !== null && typeof inner === 'object' && '$numberLong' in inner) {
      const text = (inner as { $numberLong: unknown }).$numberLong;
      if (typeof text === 'string' && /^-?\d{1,16}$/.test(text)) return Number(text);
    }
  }
  throw new InvalidTimestampError(`not a timestamp: ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

/**
 * Formats epoch milliseconds as `toISOString()` does (UTC, milliseconds).
 *
 * @param ms - epoch milliseconds
 * @returns e.g. `2022-05-12T00:00:00.000Z`
 *
 * Complexity: O(1).
 *
 * @example
 * formatIso(0); // '1970-01-01T00:00:00.000Z'
 */
export function formatIso(ms: number): string {
  return new Date(ms).toISOString();
}
