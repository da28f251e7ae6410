/**
 * Exact arithmetic on binary64 doubles that the decimal reader and the decimal writer share:
 * exact powers of ten, the exact error of a product by one (Dekker's two-product), and a double's
 * exponent and unit in the last place.
 */

/** The largest k for which 10^k is a double exactly (5^22 < 2^53). */
export const MAX_EXACT_POWER = 22;

/**
 * 10^k for k = 0…{@link MAX_EXACT_POWER}, each exact.
 *
 * @example
 * POW10[22] === 1e22; // true, and exact
 */
export const POW10: readonly number[] = Array.from({ length: MAX_EXACT_POWER + 1 }, (_, i) =>
  Number(`1e${i}`),
);

/** Veltkamp's splitter for binary64: 2^27 + 1. */
const SPLITTER = 134_217_729;
/** The powers of ten split into high and low halves once, for the exact products. */
const POW10_HIGH = POW10.map((x) => SPLITTER * x - (SPLITTER * x - x));
const POW10_LOW = POW10.map((x, i) => x - POW10_HIGH[i]!);

/** A double's bits, to read its exponent without `Math.log2`. */
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const HIGH_WORD = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;

/**
 * The exact error of `product = fl(a · 10^k)`: `a · 10^k = product + error` exactly, by Dekker's
 * two-product (binary64 without fused multiply-add), with the power of ten split in advance.
 *
 * @param a - finite; `|a · 10^k|` well inside the range of doubles (no overflow, no subnormals)
 * @param k - 0…{@link MAX_EXACT_POWER}
 * @param product - `a * POW10[k]`
 *
 * Complexity: O(1).
 *
 * @example
 * const y = 0.1 * POW10[1]; // 1, rounded
 * twoProductError(0.1, 1, y); // 5.551115123125783e-17: 0.1 as a double is a little above 1/10
 */
export function twoProductError(a: number, k: number, product: number): number {
  const c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  const bh = POW10_HIGH[k]!;
  const bl = POW10_LOW[k]!;
  return ah * bh - product + ah * bl + al * bh + al * bl;
}

/**
 * The unit in the last place of a double of biased exponent `e` (1–2046), from
 * {@link symmetricExponent}: the gap to its neighbours.
 *
 * @example
 * ULP[symmetricExponent(1.5)]; // 2.220446049250313e-16 (2^-52)
 */
export const ULP: Float64Array = Float64Array.from({ length: 2047 }, (_, e) => 2 ** (Math.max(e, 1) - 1075));

/**
 * The biased binary exponent (1–2046: 1023 + ⌊log2 x⌋) of a positive finite double whose
 * neighbours are equally far from it, or 0 — for a significand that is a power of two (1, 0.5,
 * 2^-20…), whose lower neighbour is half as far as its upper one, and for 0 and subnormals: callers
 * leave those to the engine.
 *
 * Complexity: O(1).
 *
 * @example
 * symmetricExponent(1.5); // 1023
 * symmetricExponent(0.5); // 0
 */
export function symmetricExponent(x: number): number {
  BITS[0] = x;
  const word = WORDS[HIGH_WORD]!;
  if ((word & 0xfffff) === 0 && WORDS[1 - HIGH_WORD] === 0) return 0;
  return (word >>> 20) & 0x7ff;
}
