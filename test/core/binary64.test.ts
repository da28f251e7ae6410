import { describe, expect, it } from 'vitest';
import {
  MAX_EXACT_POWER,
  POW10,
  symmetricExponent,
  twoProductError,
  ULP,
} from '../../lambdas/core/binary64.ts';
import { seededRandom } from '../support/seeded-random.ts';

/** A finite double as an exact fraction: numerator and power-of-two denominator. */
function exact(x: number): { readonly num: bigint; readonly den: bigint } {
  const bits = new BigUint64Array(Float64Array.of(Math.abs(x)).buffer)[0]!;
  const e = Number(bits >> 52n);
  const m = (bits & ((1n << 52n) - 1n)) | (e === 0 ? 0n : 1n << 52n);
  const shift = Math.max(e, 1) - 1075;
  const sign = x < 0 ? -1n : 1n;
  return shift >= 0
    ? { num: sign * (m << BigInt(shift)), den: 1n }
    : { num: sign * m, den: 1n << BigInt(-shift) };
}

describe('binary64', () => {
  it('POW10[k] is 10^k exactly for k up to MAX_EXACT_POWER', () => {
    expect(POW10).toHaveLength(MAX_EXACT_POWER + 1);
    POW10.forEach((p, k) => {
      const { num, den } = exact(p);
      expect(num).toBe(10n ** BigInt(k) * den);
    });
  });

  it('twoProductError(a, k, fl(a·10^k)) is the exact error: product + error = a·10^k', () => {
    const random = seededRandom(4);
    for (let i = 0; i < 2000; i++) {
      const a = (random() - 0.5) * 10 ** Math.floor(random() * 30 - 15);
      const k = i % (MAX_EXACT_POWER + 1);
      const product = a * POW10[k]!;
      const error = twoProductError(a, k, product);
      const x = exact(a);
      const p = exact(product);
      const e = exact(error);
      // Over a common denominator (every one is a power of two): a·10^k − product − error = 0.
      const den = [x.den, p.den, e.den].reduce((d, v) => (v > d ? v : d));
      const lhs = x.num * 10n ** BigInt(k) * (den / x.den);
      expect(lhs - p.num * (den / p.den) - e.num * (den / e.den)).toBe(0n);
    }
  });

  it('symmetricExponent(x) is the biased exponent, or 0 for a power of two, 0 and subnormals; ULP of it is the gap to the neighbours', () => {
    expect(symmetricExponent(1.5)).toBe(1023);
    expect(ULP[1023]).toBe(2 ** -52);
    expect(symmetricExponent(3)).toBe(1024);
    expect(symmetricExponent(0.1)).toBe(1019);
    expect(0.1 + ULP[1019]!).toBe(0.10000000000000002);
    for (const x of [1, 0.5, 2 ** -20, 2 ** 40, 0, Number.MIN_VALUE]) expect(symmetricExponent(x)).toBe(0);
  });
});
