import { escapeControl, quoteInput } from './quote-input.ts';

/** Thrown when a time field cannot be read as a UTC instant. */
export class InvalidTimestampError extends Error {
  override readonly name = 'InvalidTimestampError';
}

/**
 * The earliest instant a bare number is read as, 1990-01-01T00:00:00Z in epoch
 * milliseconds. Numbers carry no unit: below this, a number is far more likely
 * epoch seconds (1652572800 is 2022-05-15 in seconds, 1970-01-20 in
 * milliseconds) or a metric picked by a wrong `--time-field` than a time.
 */
export const MIN_NUMERIC_TIME = 631_152_000_000;

/** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: times must be writable as ISO-8601 and `{"$date": ISO}`. */
const MIN_TIME = -62_167_219_200_000;
const END_TIME = 253_402_300_800_000;

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
  const fast = canonicalUtcMillis(text);
  if (fast !== undefined) return fast;
  const m = ISO.exec(text.trim());
  if (!m) throw new InvalidTimestampError(`not an ISO-8601 date: ${quoteInput(text)}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  // Not Date.UTC, which reads the years 0 to 99 as 1900 to 1999.
  const dayStart = new Date(0).setUTCFullYear(year, month - 1, day);
  const local = dayStart + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  const check = new Date(dayStart);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new InvalidTimestampError(`impossible date: ${quoteInput(text)}`);
  }
  return local - offsetMinutes(zone) * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * The hot path of {@link parseIsoTimestamp}: `YYYY-MM-DDTHH:MM:SSZ` and
 * `YYYY-MM-DDTHH:MM:SS.sssZ` (what `mongoexport` and `toISOString()` write),
 * read digit by digit without a regular expression or a `Date`.
 *
 * @returns epoch milliseconds, or undefined for any other text or any field
 *   out of range, which the general path then parses or rejects
 */
function canonicalUtcMillis(text: string): number | undefined {
  const length = text.length;
  if (length !== 20 && length !== 24) return undefined;
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(length - 1) !== 90 || // Z
    (length === 24 && text.charCodeAt(19) !== 46) // .
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = length === 24 ? digits(text, 20, 3) : 0;
  // Years below 100 are left to the general path: Date.UTC maps them to 1900-1999.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (!(inRange(hour, 23) && inRange(minute, 59) && inRange(second, 59) && ms >= 0)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The number written by `count` ASCII digits at `start`, or -1 when one is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** `value` in [0, max]; -1 marks a non-digit (see {@link digits}). */
function inRange(value: number, max: number): boolean {
  return value >= 0 && value <= max;
}

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) throw new InvalidTimestampError(`bad UTC offset: ${quoteInput(zone)}`);
  return sign * (hours * 60 + minutes);
}

/**
 * Reads a time field: an ISO string, `{"$date": ISO}`, `{"$date": {"$numberLong": ms}}`,
 * `{"$date": ms}`, a `Date` (as the MongoDB driver returns) or epoch milliseconds.
 *
 * Every time must lie in the years 0000 to 9999. A bare number is epoch
 * milliseconds and must not be earlier than {@link MIN_NUMERIC_TIME}
 * (1990-01-01): one that reads as a plausible time in epoch seconds is refused
 * with that hint. Typed dates (`$date`, `Date`, ISO text) have no such floor.
 *
 * @param value - the raw field value
 * @returns epoch milliseconds (UTC)
 * @throws {@link InvalidTimestampError} for anything else, or an invalid or out-of-range date
 *
 * Complexity: O(length of the text).
 *
 * @example
 * toEpochMillis({ $date: { $numberLong: '1652313600000' } }); // 1652313600000
 * toEpochMillis(1652572800); // throws: looks like epoch seconds (2022-05-15T00:00:00.000Z)
 */
export function toEpochMillis(value: unknown): number {
  if (typeof value === 'string') return parseIsoTimestamp(value);
  if (typeof value === 'number') return numericTime(value);
  if (value instanceof Date) return typedTime(value.getTime(), value);
  if (value !== null && typeof value === 'object' && '$date' in value) {
    const inner = (value as { $date: unknown }).$date;
    if (typeof inner === 'string') return parseIsoTimestamp(inner);
    if (typeof inner === 'number') return typedTime(inner, value);
    if (inner !== null && typeof inner === 'object' && '$numberLong' in inner) {
      const text = (inner as { $numberLong: unknown }).$numberLong;
      if (typeof text === 'string' && /^-?\d{1,16}$/.test(text)) return typedTime(Number(text), value);
    }
  }
  throw new InvalidTimestampError(`not a timestamp: ${describe(value)}`);
}

/**
 * Whether epoch milliseconds fall in the years 0000 to 9999, the instants
 * ISO-8601 text and `{"$date": ISO}` can write (and every `Date` method accepts).
 *
 * Complexity: O(1).
 *
 * @example
 * isIsoRepresentable(Date.UTC(2022, 4, 12)); // true
 * isIsoRepresentable(99999999999999999);     // false
 */
export function isIsoRepresentable(ms: number): boolean {
  return ms >= MIN_TIME && ms < END_TIME;
}

function typedTime(ms: number, value: unknown): number {
  if (isIsoRepresentable(ms)) return ms;
  throw new InvalidTimestampError(
    Number.isFinite(ms)
      ? `date outside the years 0000..9999: ${describe(value)}`
      : `not a timestamp: ${describe(value)}`,
  );
}

/**
 * Whether a bare number is a time {@link toEpochMillis} accepts: epoch
 * milliseconds from {@link MIN_NUMERIC_TIME} (1990-01-01) to the end of 9999.
 * Fast paths that read numbers themselves use it to leave the others to
 * `toEpochMillis`, which says why they are refused.
 *
 * Complexity: O(1).
 *
 * @example
 * isNumericTime(1652572800000); // true
 * isNumericTime(1652572800);    // false: epoch seconds
 */
export function isNumericTime(ms: number): boolean {
  return ms >= MIN_NUMERIC_TIME && ms < END_TIME;
}

function numericTime(ms: number): number {
  if (isNumericTime(ms)) return ms;
  if (ms >= MIN_NUMERIC_TIME / 1000 && ms < END_TIME / 1000) {
    throw new InvalidTimestampError(
      `numeric time ${ms} looks like epoch seconds (${formatIso(ms * 1000)}); times are epoch milliseconds`,
    );
  }
  throw new InvalidTimestampError(
    Number.isFinite(ms)
      ? `numeric time ${ms} is not epoch milliseconds from 1990-01-01 to 9999-12-31`
      : `not a timestamp: ${ms}`,
  );
}

/** A short, escaped rendering of a bad time value; never serialises more than a bounded prefix. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return quoteInput(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    // Too deep, cyclic or holding a BigInt: the type is all that can be said.
    return Array.isArray(value) ? 'an array' : 'an object';
  }
  return escapeControl(text.length > 64 ? `${text.slice(0, 61)}...` : text);
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
