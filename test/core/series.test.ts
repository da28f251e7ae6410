import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSeries,
  groupSeriesParts,
  isPiecewise,
  joinSeriesParts,
  newestPieceTime,
  ownSeries,
  piecesHaveValue,
  piecewiseSeriesSet,
  SeriesBuilder,
  SeriesMemory,
  type SeriesPart,
} from '../../lambdas/core/series.ts';

describe('SeriesBuilder', () => {
  it('build() sorts assets by name and each series stably by time (input order kept for equal times)', () => {
    const b = new SeriesBuilder(Object.freeze(['v']));
    const adds: [string, number, number, number][] = [
      ['b', 30, 1, 0],
      ['a', 20, 2, 1],
      ['b', 10, 3, 2],
      ['b', 30, 4, 3],
      ['b', 10, 5, 4],
      ['a', 20, 6, 5],
      ['b', 20, 7, 6],
    ];
    for (const [asset, t, v, ref] of adds) b.add(asset, t, Object.freeze([v]), ref);
    const set = b.build();
    expect(set.series.map((s) => s.asset)).toEqual(['a', 'b']);
    const [a, bs] = set.series;
    expect(Array.from(a!.times)).toEqual([20, 20]);
    expect(Array.from(a!.refs)).toEqual([1, 5]);
    expect(Array.from(bs!.times)).toEqual([10, 10, 20, 30, 30]);
    expect(Array.from(bs!.refs)).toEqual([2, 4, 6, 0, 3]);
    expect(Array.from(bs!.values[0]!)).toEqual([3, 5, 7, 1, 4]);
  });

  it('build() keeps values aligned with times and refs across several metrics', () => {
    const b = new SeriesBuilder(['x', 'y']);
    b.add('a', 2, [20, 200], 7);
    b.add('a', 1, [10, 100], 9);
    const s = b.build().series[0]!;
    expect(Array.from(s.refs)).toEqual([9, 7]);
    expect(s.values.map((v) => Array.from(v))).toEqual([
      [10, 20],
      [100, 200],
    ]);
  });

  it('add() stores NaN and ±Infinity as NaN and counts them per metric; observations counts adds', () => {
    const b = new SeriesBuilder(['x', 'y', 'z']);
    b.add('a', 1, Float64Array.of(Number.NaN, 1, Number.POSITIVE_INFINITY), 0);
    b.add('a', 2, [Number.NEGATIVE_INFINITY, 2, 3], 1);
    b.add('b', 3, [1], 2); // fewer values than metrics: the rest are missing
    const set = b.build();
    expect(set.badValues).toEqual({ x: 2, y: 1, z: 2 });
    expect(set.observations).toBe(3);
    expect(Array.from(set.series[0]!.values[0]!)).toEqual([Number.NaN, Number.NaN]);
    expect(Array.from(set.series[0]!.values[2]!)).toEqual([Number.NaN, 3]);
  });

  it('add() does not modify the values it is given', () => {
    const values = Float64Array.of(Number.POSITIVE_INFINITY, 2);
    new SeriesBuilder(['x', 'y']).add('a', 1, values, 0);
    expect(Array.from(values)).toEqual([Number.POSITIVE_INFINITY, 2]);
  });

  it('the builder keeps accepting observations after build(), without changing earlier sets', () => {
    const b = new SeriesBuilder(['x']);
    b.add('a', 1, [1], 0);
    const first = b.build();
    b.add('a', 0, [2], 1);
    const second = b.build();
    expect(Array.from(first.series[0]!.times)).toEqual([1]);
    expect(Array.from(second.series[0]!.times)).toEqual([0, 1]);
    expect(second.observations).toBe(2);
  });

  it('build() gives what was added, sorted stably by time, for any assets and observations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 30 }), fc.integer({ min: 0, max: 50 }), fc.double()), {
          maxLength: 3000,
        }),
        (adds) => {
          const b = new SeriesBuilder(['x', 'y']);
          adds.forEach(([a, t, v], ref) => {
            b.add(`a${a}`, t, [v, -ref], ref);
          });
          const expected = new Map<string, { t: number; v: number; ref: number }[]>();
          adds.forEach(([a, t, v], ref) => {
            const list = expected.get(`a${a}`) ?? [];
            list.push({ t, v: Number.isFinite(v) ? v : Number.NaN, ref });
            expected.set(`a${a}`, list);
          });
          const set = b.build();
          expect(set.series.map((s) => s.asset)).toEqual([...expected.keys()].sort());
          for (const s of set.series) {
            const rows = expected.get(s.asset)!.sort((p, q) => p.t - q.t || p.ref - q.ref);
            expect(Array.from(s.times)).toEqual(rows.map((r) => r.t));
            expect(Array.from(s.refs)).toEqual(rows.map((r) => r.ref));
            expect(Array.from(s.values[0]!)).toEqual(rows.map((r) => r.v));
            expect(Array.from(s.values[1]!)).toEqual(rows.map((r) => -r.ref));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it("build() keeps each asset's arrays in one buffer of its own, so that a block of assets can be moved to a thread", () => {
    // 50,000 observations of four doubles: more than one slab of chunks.
    const b = new SeriesBuilder(['x', 'y']);
    for (let i = 0; i < 50_000; i++) b.add(`a${i % 7}`, 50_000 - i, [i, -i], i);
    const { series } = b.build();
    expect(series.reduce((n, s) => n + s.times.length, 0)).toBe(50_000);
    for (const [k, s] of series.entries()) {
      const refs = Array.from(s.refs);
      expect(refs.every((ref) => ref % 7 === k)).toBe(true);
      expect(refs).toEqual([...refs].sort((p, q) => q - p));
      expect(Array.from(s.times)).toEqual(refs.map((ref) => 50_000 - ref));
      expect(Array.from(s.values[1]!)).toEqual(refs.map((ref) => -ref));
    }
    const buffers = series.map((s) => s.times.buffer);
    expect(new Set(buffers).size).toBe(series.length);
    for (const s of series) {
      for (const array of [s.refs, ...s.values]) expect(array.buffer).toBe(s.times.buffer);
      expect(s.times.buffer.byteLength).toBe(s.times.length * 4 * Float64Array.BYTES_PER_ELEMENT);
    }
  });

  it('build() of an empty builder has no series and zero counts', () => {
    expect(new SeriesBuilder(['x']).build()).toEqual({
      metrics: ['x'],
      series: [],
      badValues: { x: 0 },
      observations: 0,
    });
  });
});

describe('joinSeriesParts', () => {
  const metrics = ['v'];
  const builder = (rows: [string, number, number][], shared = false) => {
    const b = new SeriesBuilder(metrics, { shared });
    rows.forEach(([asset, t, v], i) => {
      b.add(asset, t, [v], i);
    });
    return b;
  };
  const part = (rows: [string, number, number][], shared = false) => builder(rows, shared).part();

  it('joins parts into the set one pass builds: stable by time, earlier parts first on ties, refs shifted', () => {
    const first = part([
      ['a', 2, 1],
      ['a', 5, 2],
      ['b', 1, Number.NaN],
    ]);
    const second = part([
      ['a', 5, 3],
      ['a', 1, 4],
      ['c', 9, 5],
    ]);
    const whole = builder([
      ['a', 2, 1],
      ['a', 5, 2],
      ['b', 1, Number.NaN],
      ['a', 5, 3],
      ['a', 1, 4],
      ['c', 9, 5],
    ]).build();
    const chunks = (p: SeriesPart) => p.assets.map((a) => a.chunks.map((c) => Array.from(c)));
    const before = [chunks(first), chunks(second)];
    expect(joinSeriesParts([first, second], [0, 3])).toEqual(whole);
    expect([chunks(first), chunks(second)]).toEqual(before);
  });

  it('joins parts whose times follow on (time-ordered input split in ranges) as one pass does, ties included', () => {
    const rows: [string, number, number][] = [
      ['a', 1, 1],
      ['b', 1, 2],
      ['a', 2, 3],
      ['a', 2, 4],
      ['b', 3, 5],
      ['a', 4, 6],
    ];
    const whole = builder(rows).build();
    for (const cut of [0, 1, 3, 4, 6]) {
      const first = part(rows.slice(0, cut));
      const second = part(rows.slice(cut));
      expect(joinSeriesParts([first, second], [0, cut])).toEqual(whole);
    }
  });

  it('gives for any rows cut anywhere what one pass gives, with series built from the groups or by the join', () => {
    const row = fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 20 }), fc.double());
    fc.assert(
      fc.property(fc.array(row, { maxLength: 200 }), fc.nat(), fc.nat(), (rows, x, y) => {
        const [i, j] = [x % (rows.length + 1), y % (rows.length + 1)].sort((p, q) => p - q) as [
          number,
          number,
        ];
        const parts = [part(rows.slice(0, i), true), part(rows.slice(i, j)), part(rows.slice(j), true)];
        const offsets = [0, i, j];
        const whole = builder(rows).build();
        expect(joinSeriesParts(parts, offsets)).toEqual(whole);
        const series = groupSeriesParts(parts, offsets).map((g) => buildSeries(g, metrics.length));
        expect(joinSeriesParts(parts, offsets, series)).toEqual(whole);
        // Laid out on demand: all at once, or one after another in memory used again and again.
        const piecewise = piecewiseSeriesSet(parts, offsets);
        expect(piecewise.pieces.map((p) => p.asset)).toEqual(whole.series.map((s) => s.asset));
        expect(piecewise.series).toEqual(whole.series);
        const memory = new SeriesMemory();
        for (const [k, p] of piecewise.pieces.entries()) {
          memory.reserve(p.length * (metrics.length + 2));
          expect(buildSeries(p, metrics.length, memory)).toEqual(whole.series[k]);
        }
        const times = rows.map(([, t]) => t);
        expect(newestPieceTime(piecewise.pieces, metrics.length)).toBe(Math.max(-Infinity, ...times));
      }),
      { numRuns: 100 },
    );
  });

  it("gives each joined asset's arrays one buffer of its own", () => {
    const rows: [string, number, number][] = [];
    for (let t = 0; t < 100; t++) for (const a of ['a', 'b', 'c']) rows.push([a, t, t]);
    const joined = joinSeriesParts([part(rows.slice(0, 140)), part(rows.slice(140))], [0, 140]);
    expect(new Set(joined.series.map((s) => s.times.buffer)).size).toBe(3);
    for (const s of joined.series) for (const v of s.values) expect(v.buffer).toBe(s.times.buffer);
  });
});

describe('piecewiseSeriesSet', () => {
  it('holds the counts of the join, and lays the series out once, when first asked for', () => {
    const rows: [string, number, number][] = [
      ['b', 1, 1],
      ['a', 2, Number.NaN],
      ['b', 0, 3],
    ];
    const parts = [rows.slice(0, 2), rows.slice(2)].map((some) => {
      const b = new SeriesBuilder(['v']);
      for (const [asset, t, v] of some) b.add(asset, t, [v], t);
      return b.part();
    });
    const set = piecewiseSeriesSet(parts, [0, 2]);
    const { series, ...counts } = joinSeriesParts(parts, [0, 2]);
    expect({ metrics: set.metrics, badValues: set.badValues, observations: set.observations }).toEqual(
      counts,
    );
    expect(isPiecewise(set)).toBe(true);
    expect(isPiecewise(joinSeriesParts(parts, [0, 2]))).toBe(false);
    expect(set.series).toEqual(series);
    expect(set.series).toBe(set.series);
  });

  it('tells whether any observation of the pieces has a value for a metric', () => {
    const b = new SeriesBuilder(['x', 'y']);
    b.add('a', 1, [Number.NaN, 2], 0);
    b.add('b', 2, [Number.NaN, Number.NaN], 1);
    const { pieces } = piecewiseSeriesSet([b.part()], [0]);
    expect(piecesHaveValue(pieces, 2, 0)).toBe(false);
    expect(piecesHaveValue(pieces, 2, 1)).toBe(true);
    expect(piecesHaveValue([], 2, 1)).toBe(false);
    expect(newestPieceTime([], 2)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('SeriesMemory', () => {
  it('lays the series of one block after another out in the same memory, from its beginning', () => {
    const b = new SeriesBuilder(['x']);
    for (let t = 0; t < 10; t++) for (const a of ['a', 'b']) b.add(a, t, [t], t);
    const [pa, pb] = groupSeriesParts([b.part()], [0]);
    const memory = new SeriesMemory();
    memory.reserve(2 * 10 * 3);
    const first = buildSeries(pa!, 1, memory);
    const second = buildSeries(pb!, 1, memory);
    expect(second.times.buffer).toBe(first.times.buffer);
    expect(second.times.byteOffset).toBe(first.times.byteOffset + 10 * 3 * 8);
    memory.reserve(10 * 3);
    const again = buildSeries(pb!, 1, memory);
    expect(again.times.byteOffset).toBe(first.times.byteOffset);
    expect(again).toEqual(second);
  });

  it('gives a series past what was reserved a buffer of its own, and grows for a larger block', () => {
    const b = new SeriesBuilder(['x']);
    for (let t = 0; t < 10; t++) b.add('a', t, [t], t);
    const [pa] = groupSeriesParts([b.part()], [0]);
    const memory = new SeriesMemory();
    memory.reserve(3);
    const own = buildSeries(pa!, 1, memory);
    expect(own.times.buffer.byteLength).toBe(10 * 3 * 8);
    memory.reserve(10 * 3);
    const grown = buildSeries(pa!, 1, memory);
    expect(grown).toEqual(own);
    expect(grown.times.buffer).not.toBe(own.times.buffer);
  });
});

describe('ownSeries', () => {
  it('gives the same series, its arrays shared rather than copied', () => {
    const b = new SeriesBuilder(['x', 'y']);
    b.add('a', 2, [1, 2], 0);
    b.add('a', 1, [3, 4], 1);
    const [series] = b.build().series;
    const received = structuredClone(series!);
    const own = ownSeries(received);
    expect(own).toEqual(series);
    expect(own.times).toBe(received.times);
    expect(own.values[1]).toBe(received.values[1]);
    expect(Object.keys(own)).toEqual(['asset', 'times', 'refs', 'values']);
  });
});

describe('SeriesBuilder.part', () => {
  it('gives each asset its chunks up to the last observation, in shared memory when the builder is shared', () => {
    const b = new SeriesBuilder(['x', 'y'], { shared: true });
    for (let i = 0; i < 40; i++) b.add(i % 2 ? 'odd' : 'even', i, [i, -i], i);
    const { assets, observations } = b.part();
    expect(observations).toBe(40);
    expect(assets.map((a) => [a.asset, a.length])).toEqual([
      ['even', 20],
      ['odd', 20],
    ]);
    for (const a of assets) {
      expect(a.chunks.reduce((n, c) => n + c.length, 0)).toBe(a.length * 4);
      for (const c of a.chunks) expect(c.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    expect(new SeriesBuilder(['x']).part().assets).toEqual([]);
    b.add('odd', 99, [1, 2], 99);
    expect(assets[1]!.length).toBe(20);
  });

  it('groups parts by asset in name order, each part with its offset', () => {
    const first = new SeriesBuilder(['v']);
    first.add('b', 1, [1], 0);
    first.add('a', 2, [2], 1);
    const second = new SeriesBuilder(['v']);
    second.add('b', 3, [3], 0);
    const groups = groupSeriesParts([first.part(), second.part()], [0, 2]);
    expect(groups.map((g) => [g.asset, g.length, g.pieces.map((p) => p.offset)])).toEqual([
      ['a', 1, [0]],
      ['b', 2, [0, 2]],
    ]);
  });
});
