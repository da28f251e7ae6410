const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** Digits the high part holds exactly (10^15 < 2^53), and the most digits handled here. */
const HIGH_DIGITS = 15;
const MAX_DIGITS = 19;
const MAX_POWER = 22;
/** Exact powers of ten: 10^k is a double for k ≤ 22 (5^22 < 2^53). */
const POW10 = Array.from({ length: MAX_POWER + 1 }, (_, i) => Number(`1e${i}`));
/** Veltkamp's splitter for binary64: 2^27 + 1. */
const SPLITTER = 134_217_729;
/** The powers of ten split into high and low halves once, for the exact products. */
const POW10_HIGH = POW10.map((x) => SPLITTER * x - (SPLITTER * x - x));
const POW10_LOW = POW10.map((x, i) => x - POW10_HIGH[i]!);
/** A double's bits, to read its exponent: `ulp(x)` without `Math.log2`. */
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const HIGH_WORD = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;
/** 2^(e - 1075) for each biased exponent e: the unit in the last place of a double of that exponent. */
const ULP = Float64Array.from({ length: 2047 }, (_, e) => 2 ** (Math.max(e, 1) - 1075));
/**
 * Relative bound used to call a result safe: the computed quotient is within about 2^-103 of the
 * exact one (see {@link decimalToDouble}); 2^-100 leaves a factor of 8.
 */
const MARGIN = 2 ** -100;

/**
 * The correctly rounded double of a decimal number of 16 to 19 significant
 * digits and at most 22 decimals — a price like `32740605.121617097`, whose
 * digits no longer fit a double's 53 bits, so Clinger's fast path (an exact
 * integer over an exact power of ten) does not apply — or `undefined` when it
 * cannot be sure, for the caller to use `Number()`.
 *
 * Method: the digits are split into a 15-digit high part and a low part of up
 * to 4 digits, both exact; their value m = high · 10^j + low is formed exactly
 * as a pair of doubles (Dekker's two-product without fused multiply-add, and
 * exact two-sums: every term is an integer below 2^11 or a double), then
 * divided by the exact 10^k in double-double arithmetic: q1 = m/10^k rounded,
 * the remainder m − q1·10^k with an exact product, and q2 = remainder/10^k.
 * The pair's error is below 2^-103 of the value. Its rounding z = q1 + q2 is
 * the correctly rounded double unless the pair lies within 2^-100·z of a
 * midpoint between doubles — then, and when z is a power of two (whose lower
 * neighbour is closer), the answer is `undefined`, which for real data happens
 * about never (exact ties such as `4503599627370496.5` included). Numbers with
 * an integer part only (no division) are rounded by one exact addition.
 *
 * @param b - bytes holding a JSON number already validated at `[start, end)`
 * @param start - its first byte (a minus sign or a digit)
 * @param end - the byte after it
 * @returns the value exactly as `Number()` / `JSON.parse` give it, or `undefined`
 *   (fewer than 16 or more than 19 significant digits, more than 22 decimals, a
 *   positive exponent, or too close to call)
 *
 * Complexity: O(digits), no allocation.
 *
 * @example
 * decimalToDouble(Buffer.from('32740605.121617097'), 0, 18); // 32740605.121617097
 * decimalToDouble(Buffer.from('1.5'), 0, 3); // undefined: Clinger's fast path is the caller's
 */
export function decimalToDouble(b: Uint8Array, start: number, end: number): number | undefined {
  let p = start;
  const negative = b[p] === MINUS;
  if (negative) p++;
  let high = 0;
  let low = 0;
  let digits = 0;
  let decimals = 0;
  let fraction = false;
  for (; p < end; p++) {
    const c = b[p]!;
    if (c === DOT) {
      fraction = true;
      continue;
    }
    if (c === LOWER_E || c === UPPER_E) break;
    const d = c - DIGIT_0;
    if (fraction) decimals++;
    // Leading zeros are not significant: 0.000123… keeps all of its digits for the value.
    if (digits === 0 && d === 0) continue;
    if (digits < HIGH_DIGITS) high = high * 10 + d;
    else if (digits < MAX_DIGITS) low = low * 10 + d;
    else return undefined;
    digits++;
  }
  let exponent = 0;
  if (p < end) {
    p++;
    let sign = 1;
    if (b[p] === MINUS || b[p] === PLUS) {
      if (b[p] === MINUS) sign = -1;
      p++;
    }
    for (; p < end; p++) {
      exponent = exponent * 10 + (b[p]! - DIGIT_0);
      if (exponent > 1000) return undefined;
    }
    exponent *= sign;
  }
  const k = decimals - exponent;
  if (digits <= HIGH_DIGITS || k < 0 || k > MAX_POWER) return undefined;

  // m = high · 10^j + low, exactly, as nh + nl.
  const j = digits - HIGH_DIGITS;
  const product = high * POW10[j]!;
  const productError = twoProductError(high, j, product);
  const sum = product + low;
  const back = sum - product;
  const sumError = product - (sum - back) + (low - back);
  // Both errors are integers below 2^11 in magnitude: their sum is exact.
  const t = sumError + productError;
  const nh = sum + t;
  const nl = t - (nh - sum);
  if (k === 0) return signed(negative, nh);

  const divisor = POW10[k]!;
  const q1 = nh / divisor;
  const ph = q1 * divisor;
  const pl = twoProductError(q1, k, ph);
  // nh - ph is exact (Sterbenz: ph is within a few units in the last place of nh).
  const q2 = (nh - ph - pl + nl) / divisor;
  const z = q1 + q2;
  const w = q2 - (z - q1);
  BITS[0] = z;
  const word = WORDS[HIGH_WORD]!;
  // A power of two has a closer neighbour below than above: leave it to Number().
  if ((word & 0xfffff) === 0 && WORDS[1 - HIGH_WORD] === 0) return undefined;
  const ulp = ULP[(word >>> 20) & 0x7ff]!;
  if (!(Math.abs(w) < ulp / 2 - MARGIN * z)) return undefined;
  return signed(negative, z);
}

/**
 * The exact error of `product = fl(a · 10^k)`: Dekker's two-product (binary64, no fused
 * multiply-add), with the power of ten split in advance.
 */
function twoProductError(a: number, k: number, product: number): number {
  const c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  const bh = POW10_HIGH[k]!;
  const bl = POW10_LOW[k]!;
  return ah * bh - product + ah * bl + al * bh + al * bl;
}

function signed(negative: boolean, x: number): number {
  return negative ? -x : x;
}
