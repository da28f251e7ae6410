import { POW10, symmetricExponent, twoProductError, ULP } from './binary64.ts';
import { put, putAscii, utf8 } from './json-bytes.ts';

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NULL = utf8('null');
/** "00" to "99", two bytes each. */
const PAIRS = Uint8Array.from(
  { length: 200 },
  (_, i) => ZERO + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10),
);
/** The digits of one number, before the decimal point goes in. */
const DIGITS = new Uint8Array(17);
/**
 * How far a decision of the fast path must be from its boundary, in units of the scaled value
 * (whose own error is below 2^-48 of these units): nearer, the engine decides.
 */
const MARGIN = 1e-9;
/** The fast path's range: no exponent notation (that starts below 1e-6 and from 1e21), and 15 digits before the point at most. */
const SMALLEST = 1e-6;
const LIMIT = 1e14;
const INT32_LIMIT = 2 ** 31;
const LOG10_2 = Math.log10(2);
/**
 * The powers of two in the fast path's range (2^-19 to 2^46): the one kind of double whose lower
 * neighbour is nearer than its upper one, printed by the engine once, here.
 */
const POWERS_OF_TWO = new Map(
  Array.from({ length: 66 }, (_, i) => [2 ** (i - 19), utf8(JSON.stringify(2 ** (i - 19)))] as const),
);

/**
 * Writes `x` as `JSON.stringify(x)` prints it — the shortest decimal that reads back as `x`, the
 * nearest of those — as ASCII at `p` of `b`; returns the end. NaN and ±Infinity print as `null`,
 * -0 as `0`. `b` needs room for `NUMBER_CHARS` bytes (25).
 *
 * Faster than `JSON.stringify` of the numbers in an array (~90 against ~140 ns for a 17-digit
 * double, no string made) once the JIT has compiled it, which on two busy cores costs tens of
 * milliseconds: it pays for reports of millions of numbers (`RollingJsonWriter`), not for a few
 * hundred thousand (`PrintedNumbers` serves those).
 *
 * It prints the shortest of the 15-, 16- and 17-digit decimals nearest to `x`, found in
 * double-double arithmetic. `x` scaled by an exact power of ten into [10^14, 10^15) is a sum of
 * two doubles exactly (Dekker's two-product); its distance to the nearest 15-digit integer, and to
 * the nearest tenth and hundredth, says which of those lie within half a unit in the last place of
 * `x` (the interval that reads back as `x`). At most one 15-digit decimal lies in it; of 16- and
 * 17-digit decimals inside, the nearest is the one the engine prints. Powers of two, whose
 * interval is lopsided, come from a table. The engine itself prints what the fast path leaves:
 * magnitudes from 10^14 and below 10^-6, exact ties between two nearest decimals (a double such
 * as 18579483.0322265625), and decisions within 10^-9 of a boundary.
 *
 * Complexity: O(1).
 *
 * @example
 * const b = new Uint8Array(32);
 * new TextDecoder().decode(b.subarray(0, putJsonNumber(b, 0.1 + 0.2, 0))); // '0.30000000000000004'
 * putJsonNumber(b, Number.NaN, 0); // 4: `null`
 */
export function putJsonNumber(b: Uint8Array, x: number, p: number): number {
  if (x > 0) {
    const end = putPositive(b, x, p);
    if (end >= 0) return end;
  } else if (x < 0) {
    b[p] = MINUS;
    const end = putPositive(b, -x, p + 1);
    if (end >= 0) return end;
  } else if (x === 0) {
    b[p] = ZERO;
    return p + 1;
  } else return put(b, NULL, p);
  return putAscii(b, JSON.stringify(x), p);
}

/** Writes a positive `x` in the fast path's range; returns the end, or -1 to leave it to the engine. */
function putPositive(b: Uint8Array, x: number, p: number): number {
  if (!(x >= SMALLEST && x < LIMIT)) return -1;
  if (x < INT32_LIMIT && (x | 0) === x) return putInteger(b, x, p);
  const e = symmetricExponent(x);
  if (e === 0) return put(b, POWERS_OF_TWO.get(x)!, p);
  // y = x·10^k in [10^14, 10^15): 15 digits before the point, the shortest candidate's. ⌊log10 x⌋
  // from the binary exponent is that or one less, so y ≥ 10^14 and at most one step too large;
  // in the fast path's range k is 0…21, an exact power of ten.
  let k = 14 - Math.floor((e - 1023) * LOG10_2);
  let y = x * POW10[k]!;
  if (y >= LIMIT * 10) y = x * POW10[--k]!;
  let a = Math.floor(y);
  // y − a, exactly enough: y + error is x·10^k exactly; y − a is exact (Sterbenz).
  let f = y - a + twoProductError(x, k, y);
  if (f < 0) {
    a -= 1;
    f += 1;
  } else if (f >= 1) {
    a += 1;
    f -= 1;
  }
  // Half the gap between x and its neighbours, scaled like y (exact: a power of two times 10^k).
  const half = (ULP[e]! / 2) * POW10[k]!;
  let extra = 0;
  let tail = 0;
  if (f < half || 1 - f < half) {
    if (Math.abs(f - half) < MARGIN || Math.abs(1 - f - half) < MARGIN) return -1;
    if (f >= 0.5) a += 1;
  } else {
    if (f - half < MARGIN || 1 - f - half < MARGIN) return -1;
    // The nearest 16-digit candidate, a tenth away at most; else the nearest 17-digit one.
    const tenths = 10 * f;
    const r = Math.floor(tenths + 0.5);
    const d = Math.abs(tenths - r);
    if (0.5 - d < MARGIN || Math.abs(d - 10 * half) < MARGIN) return -1;
    if (d < 10 * half) {
      extra = 1;
      tail = r;
    } else {
      const hundredths = 100 * f;
      const r2 = Math.floor(hundredths + 0.5);
      if (0.5 - Math.abs(hundredths - r2) < MARGIN) return -1;
      extra = 2;
      tail = r2;
    }
    // A last digit 0 (or a carry into the 15 digits) is a shorter candidate, which would have been found.
    if (tail % 10 === 0) return -1;
  }
  if (!(a >= LIMIT && a < LIMIT * 10)) return -1;
  return putDigits(b, a, extra, tail, 15 - k, p);
}

/**
 * Writes the decimal `a` (15 digits) followed by `tail` (`extra` digits, 0–2) with the point after
 * `point` digits (`point` ≤ 0: `0.` and zeros first), trailing zeros of the fraction left out.
 */
function putDigits(b: Uint8Array, a: number, extra: number, tail: number, point: number, p: number): number {
  const d = DIGITS;
  let high = (a / 1e8) | 0;
  let low = (a - high * 1e8) | 0;
  d[6] = ZERO + (high % 10);
  high = (high / 10) | 0;
  for (let j = 4; j >= 0; j -= 2, high = (high / 100) | 0) putPair(d, j, high % 100);
  for (let j = 13; j >= 7; j -= 2, low = (low / 100) | 0) putPair(d, j, low % 100);
  let length = 15;
  if (extra === 1) d[length++] = ZERO + tail;
  else if (extra === 2) {
    putPair(d, 15, tail);
    length = 17;
  } else while (d[length - 1] === ZERO) length--;
  if (point <= 0) {
    b[p++] = ZERO;
    b[p++] = DOT;
    for (let j = point; j < 0; j++) b[p++] = ZERO;
    for (let j = 0; j < length; j++) b[p++] = d[j]!;
    return p;
  }
  for (let j = 0; j < point; j++) b[p++] = j < length ? d[j]! : ZERO;
  if (point >= length) return p;
  b[p++] = DOT;
  for (let j = point; j < length; j++) b[p++] = d[j]!;
  return p;
}

/** Writes the two digits of `v` (0–99) at `j` of `d`. */
function putPair(d: Uint8Array, j: number, v: number): void {
  d[j] = PAIRS[2 * v]!;
  d[j + 1] = PAIRS[2 * v + 1]!;
}

/** Writes the decimal digits of a non-negative integer below 2^31. */
function putInteger(b: Uint8Array, v: number, p: number): number {
  let length = 1;
  for (let t = v; t >= 10; t = (t / 10) | 0) length++;
  let q = p + length;
  let n = v;
  for (; n >= 100; n = (n / 100) | 0) {
    q -= 2;
    putPair(b, q, n % 100);
  }
  if (n >= 10) putPair(b, q - 2, n);
  else b[q - 1] = ZERO + n;
  return p + length;
}
