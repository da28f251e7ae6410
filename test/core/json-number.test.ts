import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { putJsonNumber } from '../../lambdas/core/json-number.ts';
import { EDGE_NUMBERS } from '../support/json-numbers.ts';
import { seededRandom } from '../support/seeded-random.ts';

const ASCII = new TextDecoder('ascii');
const BUFFER = new Uint8Array(64);

/** What putJsonNumber writes for `x` at offset 3 of a buffer (`!` when it wrote outside its text). */
function printed(x: number): string {
  BUFFER.fill(0x3f);
  const end = putJsonNumber(BUFFER, x, 3);
  // Nothing written before the offset, and the returned end is where the text stops.
  if (ASCII.decode(BUFFER.subarray(0, 3)) !== '???' || BUFFER[end] !== 0x3f) return '!';
  return ASCII.decode(BUFFER.subarray(3, end));
}

/** The numbers of `xs` that putJsonNumber does not print as JSON.stringify does. */
function misprinted(xs: Iterable<number>): number[] {
  const wrong: number[] = [];
  for (const x of xs) if (printed(x) !== JSON.stringify(x)) wrong.push(x);
  return wrong;
}

/** The double `steps` units in the last place above (or below) `x`, a positive finite double. */
function neighbour(x: number, steps: number): number {
  const bits = new BigUint64Array(Float64Array.of(x).buffer);
  bits[0] = bits[0]! + BigInt(steps);
  return new Float64Array(bits.buffer)[0]!;
}

/** Numbers the fast path must get right or hand back: short decimals and their neighbours, ties, range ends. */
const KNOWN: readonly number[] = [
  ...EDGE_NUMBERS,
  0.1,
  0.2,
  0.3,
  1 / 3,
  2 / 3,
  1.5,
  0.5,
  0.25,
  2 ** -20,
  1e-6,
  neighbour(1e-6, -1),
  neighbour(1e-6, 1),
  0.0000015,
  1e14,
  neighbour(1e14, -1),
  99999999999999.98,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 31 + 0.5,
  2 ** 53,
  2 ** 53 + 2,
  5e-324,
  Number.MAX_VALUE,
  Number.EPSILON,
  123456.789,
  41.75,
  1.0000000000000002,
  0.9999999999999999,
  9.999999999999998,
  999999999999999.9,
  32740605.121617097,
  2.2513818594482733,
  -1121167.7419698592,
];

describe('putJsonNumber', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('putJsonNumber(b, x, p) prints JSON.stringify(x) for a table of known values', () => {
    expect(misprinted(KNOWN)).toEqual([]);
    expect(misprinted(KNOWN.map((x) => -x))).toEqual([]);
    expect(printed(Number.NaN)).toBe('null');
    expect(printed(-0)).toBe('0');
    expect(printed(1e21)).toBe('1e+21');
    expect(printed(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(printed(1e-7)).toBe('1e-7');
    expect(printed(0.000001)).toBe('0.000001');
  });

  it('prints JSON.stringify(x) for any double (property)', () => {
    fc.assert(
      fc.property(fc.double(), (x) => printed(x) === JSON.stringify(x)),
      { numRuns: 50_000 },
    );
  });

  it('prints JSON.stringify(x) for decimals of 1 to 17 digits and the doubles a few units away from them', () => {
    const random = seededRandom(17);
    const xs: number[] = [];
    for (let i = 0; i < 60_000; i++) {
      const digits = 1 + (i % 17);
      const magnitude = 10 ** (Math.floor(random() * 22) - 7);
      const x = Number((random() * magnitude).toPrecision(digits));
      if (x > 0) for (const steps of [-2, -1, 0, 1, 2]) xs.push(neighbour(x, steps));
    }
    expect(xs.length).toBeGreaterThan(250_000);
    expect(misprinted(xs)).toEqual([]);
  });

  it('prints JSON.stringify(x) for doubles of random bits in the range it formats itself, 10^-6 to 10^14', () => {
    const random = seededRandom(3);
    const words = new Uint32Array(2);
    const x = new Float64Array(words.buffer);
    const xs: number[] = [];
    while (xs.length < 300_000) {
      words[0] = random() * 2 ** 32;
      // Binary exponents -20 to 46.
      words[1] = ((1003 + Math.floor(random() * 67)) << 20) | (random() * 2 ** 20);
      if (x[0]! >= 1e-6 && x[0]! < 1e14) xs.push(x[0]!);
    }
    expect(misprinted(xs)).toEqual([]);
  });

  it('formats the numbers of real data itself: of 10,000 prices, scores, volumes and integers, the engine prints only exact ties', () => {
    const random = seededRandom(8);
    const values = Array.from(
      { length: 10_000 },
      (_, i) =>
        [random() * 100, Math.round(random() * 400) / 4 + 0.125, random() * 1e9, Math.floor(random() * 1e6)][
          i % 4
        ]!,
    );
    const stringify = vi.spyOn(JSON, 'stringify');
    const out = values.map(printed);
    // A tie: 18579483.032226562 is 18579483.0322265625 exactly, halfway between two 17-digit decimals.
    expect(stringify.mock.calls).toEqual([[18579483.032226562]]);
    stringify.mockRestore();
    expect(out).toEqual(values.map((x) => JSON.stringify(x)));
  });
});
