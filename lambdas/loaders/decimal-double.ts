import { MAX_EXACT_POWER, POW10, symmetricExponent, twoProductError, ULP } from '../core/binary64.ts';

/**
 * Relative bound used to call a result safe: the computed quotient is within about 2^-103 of the
 * exact one (see {@link decimalQuotient}); 2^-100 leaves a factor of 8.
 */
const MARGIN = 2 ** -100;

/** Mantissas from here on have more than 19 digits: the approximation could be too far off. */
const MANTISSA_LIMIT = 1e19;

/**
 * The correctly rounded double of `m / 10^k` for a decimal mantissa `m` of
 * at most 19 digits and at most 22 decimals — a price like
 * `32740605.121617097`, whose digits no longer fit a double's 53 bits, so
 * Clinger's fast path (an exact integer over an exact power of ten) does not
 * apply — or `false` when it cannot be sure, for the caller to use `Number()`.
 *
 * The mantissa comes as a parser accumulates it cheaply: `io[0]`, its value
 * in doubles (within 2^31 of `m`: a few roundings of at most 2^10 each past
 * 2^53), and `io[1]`, `m` modulo 2^32 in 32-bit integer arithmetic. Together
 * they give `m` exactly as a pair of doubles (its difference from `io[0]` is
 * the one congruent to `io[1] - io[0]` modulo 2^32 below 2^31, added by an
 * exact two-sum), which is then divided by the exact 10^k in double-double
 * arithmetic: q1 = m/10^k rounded, the remainder m − q1·10^k with an exact
 * product (Dekker's, without fused multiply-add), and q2 = remainder/10^k.
 * The pair's error is below 2^-103 of the value. Its rounding z = q1 + q2 is
 * the correctly rounded double unless the pair lies within 2^-100·z of a
 * midpoint between doubles — then, and when z is a power of two (whose lower
 * neighbour is closer), the answer is `false`, which for real data happens
 * about never (exact ties such as `4503599627370496.5` included).
 *
 * The doubles go in and out through `io`, not as arguments and a return value: where the JIT
 * does not inline the call, a double passed or returned is boxed as a heap number, and a parser
 * calling this for most values of every line then allocated ~100 bytes a line.
 *
 * @param io - `[m rounded along the way (an integer-valued double, m within 2^31 of it), m modulo
 *   2^32 (as a signed or unsigned 32-bit integer)]`; on `true`, `io[0]` is the value
 * @param k - the power of ten to divide by (the decimals less the exponent)
 * @returns whether `io[0]` now holds the non-negative value exactly as `Number()` / `JSON.parse`
 *   read the decimal; `false` (io unchanged) for more than 19 digits, `k` outside 0–22, or too
 *   close to call
 *
 * Complexity: O(1), no allocation.
 *
 * @example
 * // 32740605.121617097: m = 32740605121617097 (17 digits), k = 9
 * const io = Float64Array.of(32740605121617096, 32740605121617097 % 2 ** 32);
 * decimalQuotient(io, 9); // true; io[0] === 32740605.121617097
 */
export function decimalQuotient(io: Float64Array, k: number): boolean {
  const approx = io[0]!;
  const low32 = io[1]!;
  if (!(approx < MANTISSA_LIMIT) || k < 0 || k > MAX_EXACT_POWER) return false;
  // m = nh + nl exactly: the difference is small, and Fast2Sum is exact for |approx| >= |difference|.
  // `x | 0` is x modulo 2^32 for any integer-valued double, so the difference is that of the low words.
  const difference = (low32 - (approx | 0)) | 0;
  const nh = approx + difference;
  const nl = difference - (nh - approx);
  if (k === 0) {
    io[0] = nh;
    return true;
  }

  const divisor = POW10[k]!;
  const q1 = nh / divisor;
  const ph = q1 * divisor;
  const pl = twoProductError(q1, k, ph);
  // nh - ph is exact (Sterbenz: ph is within a few units in the last place of nh).
  const q2 = (nh - ph - pl + nl) / divisor;
  const z = q1 + q2;
  const w = q2 - (z - q1);
  const e = symmetricExponent(z);
  // A power of two has a closer neighbour below than above: leave it to Number().
  if (e === 0 || !(Math.abs(w) < ULP[e]! / 2 - MARGIN * z)) return false;
  io[0] = z;
  return true;
}
