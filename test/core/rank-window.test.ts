import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RankWindow, rankValues } from '../../lambdas/core/rank-window.ts';

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

  it('the k-th smallest (valueAt and pick) after any adds and removes equals the sorted multiset (property)', () => {
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
        const w = new RankWindow(sorted);
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
          expect(multiset.map((_, k) => w.valueAt(k))).toEqual(multiset);
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
});
