import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitsetWindow, RankWindow, rankValues } from '../../lambdas/core/rank-window.ts';

describe('rankValues', () => {
  it('rankValues gives each finite value a unique rank, ties broken by position, and -1 to non-finite ones', () => {
    const values = Float64Array.of(
      3,
      Number.NaN,
      1,
      3,
      Number.NEGATIVE_INFINITY,
      -2,
      1,
      Number.POSITIVE_INFINITY,
    );
    const { rankOf, sorted } = rankValues(values);
    expect(Array.from(rankOf)).toEqual([3, -1, 1, 4, -1, 0, 2, -1]);
    expect(Array.from(sorted)).toEqual([-2, 1, 1, 3, 3]);
    expect(Array.from(values)).toEqual([
      3,
      Number.NaN,
      1,
      3,
      Number.NEGATIVE_INFINITY,
      -2,
      1,
      Number.POSITIVE_INFINITY,
    ]);
  });

  it('rankValues of nothing finite has an empty rank space', () => {
    const { rankOf, sorted } = rankValues(Float64Array.of(Number.NaN));
    expect(Array.from(rankOf)).toEqual([-1]);
    expect(sorted).toHaveLength(0);
  });

  it('rankValues ties -0 and 0 by position, each rank keeping its own value', () => {
    const { rankOf, sorted } = rankValues(Float64Array.of(0, -0, 0, -1, -0));
    expect(Array.from(rankOf)).toEqual([1, 2, 3, 0, 4]);
    expect(Array.from(sorted, (v) => Object.is(v, -0))).toEqual([false, false, true, false, true]);
  });

  it('rankValues orders any doubles as a stable sort by value would, and every rank reads its own value (property)', () => {
    const value = fc.oneof(
      fc.constantFrom(0, -0, 1, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
      fc.constantFrom(Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE),
      fc.double(),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (xs) => {
        const values = Float64Array.from(xs);
        const { rankOf, sorted } = rankValues(values);
        const finite = xs.flatMap((v, i) => (Number.isFinite(v) ? [i] : []));
        const expected = [...finite].sort((a, b) => xs[a]! - xs[b]! || a - b);
        expect(Array.from(sorted, (_, r) => rankOf.indexOf(r))).toEqual(expected);
        expect(
          xs.every((v, i) => (Number.isFinite(v) ? Object.is(sorted[rankOf[i]!], v) : rankOf[i] === -1)),
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('RankWindow', () => {
  it('valueAt(k) is the k-th smallest value present after adds and removes', () => {
    const { rankOf, sorted } = rankValues(Float64Array.of(5, 1, 3, 4, 2));
    const w = new RankWindow(sorted);
    for (const r of rankOf) w.add(r);
    expect([0, 1, 2, 3, 4].map((k) => w.valueAt(k))).toEqual([1, 2, 3, 4, 5]);
    w.remove(rankOf[2]!); // the 3
    w.remove(rankOf[1]!); // the 1
    expect(w.size).toBe(3);
    expect([0, 1, 2].map((k) => w.at(k))).toEqual([2, 4, 5]);
    w.clear();
    expect(w.size).toBe(0);
    w.add(rankOf[3]!);
    expect(w.valueAt(0)).toBe(4);
  });

  it('a window over a one-value rank space works', () => {
    const w = new RankWindow(Float64Array.of(7));
    w.add(0);
    expect(w.valueAt(0)).toBe(7);
  });

  it('pick(k0, k1, k2, k3, out) writes the values of four window ranks, like four valueAt calls', () => {
    const { rankOf, sorted } = rankValues(Float64Array.of(5, 1, 3, 9, 7));
    const w = new RankWindow(sorted);
    for (const r of rankOf) w.add(r);
    const out = new Float64Array(4);
    w.pick(0, 1, 4, 2, out);
    expect(Array.from(out)).toEqual([1, 3, 9, 5]);
  });
});

describe.each([
  ['RankWindow', RankWindow],
  ['BitsetWindow', BitsetWindow],
])('%s', (_name, Window) => {
  it('at(k) and pick give the k-th smallest after any adds and removes: the sorted multiset (property)', () => {
    const scenario = fc
      .array(
        fc.oneof(
          fc.constantFrom(-1, 0, 0, 2, 2, 2, 5),
          // + 0 turns -0 into 0: they are the same value, but toEqual tells them apart
          fc.double({ min: -1e9, max: 1e9, noNaN: true }).map((v) => v + 0),
        ),
        {
          minLength: 1,
          maxLength: 70,
        },
      )
      .chain((values) =>
        fc.record({
          values: fc.constant(values),
          ops: fc.array(fc.tuple(fc.boolean(), fc.nat(values.length - 1)), { maxLength: 150 }),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ values, ops }) => {
        const typed = Float64Array.from(values);
        const { rankOf, sorted } = rankValues(typed);
        const w = new Window(sorted);
        const present = new Set<number>();
        for (const [insert, i] of ops) {
          if (insert && !present.has(i)) {
            present.add(i);
            w.add(rankOf[i]!);
          } else if (!insert && present.has(i)) {
            present.delete(i);
            w.remove(rankOf[i]!);
          }
          const multiset = [...present].map((j) => values[j]!).sort((a, b) => a - b);
          expect(w.size).toBe(multiset.length);
          expect(multiset.map((_, k) => w.at(k))).toEqual(multiset);
          if (multiset.length > 0) {
            const ks = [0, multiset.length >> 2, multiset.length >> 1, multiset.length - 1] as const;
            const out = new Float64Array(4);
            w.pick(ks[0], ks[1], ks[2], ks[3], out);
            expect(Array.from(out)).toEqual(ks.map((k) => multiset[k]));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('pick reads the quartile ranks of a sliding window, as rolling mode does, at every step (property)', () => {
    const scenario = fc.record({
      values: fc.array(
        fc.oneof(fc.constantFrom(0, -0, 1, 1, 2), fc.double({ min: -1e3, max: 1e3, noNaN: true })),
        { minLength: 1, maxLength: 300 },
      ),
      width: fc.integer({ min: 1, max: 120 }),
    });
    fc.assert(
      fc.property(scenario, ({ values, width }) => {
        const { rankOf, sorted } = rankValues(Float64Array.from(values));
        const w = new Window(sorted);
        const out = new Float64Array(4);
        for (let i = 0; i < values.length; i++) {
          w.add(rankOf[i]!);
          if (i >= width) w.remove(rankOf[i - width]!);
          const multiset = values.slice(Math.max(0, i - width + 1), i + 1).sort((a, b) => a - b);
          const n = multiset.length;
          const r1 = Math.floor((n - 1) / 4);
          const r3 = Math.floor((3 * (n - 1)) / 4);
          const ks = [r1, Math.min(r1 + 1, n - 1), r3, Math.min(r3 + 1, n - 1)] as const;
          w.pick(ks[0], ks[1], ks[2], ks[3], out);
          // Equal as numbers: which zero a rank holds is not an order statistic.
          expect(Array.from(out, (v) => v + 0)).toEqual(ks.map((k) => multiset[k]! + 0));
          expect(w.at(n >> 1) + 0).toBe(multiset[n >> 1]! + 0);
        }
      }),
      { numRuns: 200 },
    );
  });
});
