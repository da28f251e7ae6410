import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollingResultJson } from '../../lambdas/core/detect-json.ts';
import { DirectionCode } from '../../lambdas/core/fences.ts';
import { detectRolling, type RollingResult } from '../../lambdas/core/rolling-detector.ts';
import { RollingJsonWriter } from '../../lambdas/core/rolling-json-writer.ts';
import type { AssetSeries } from '../../lambdas/core/series.ts';
import { EDGE_NUMBERS } from '../support/json-numbers.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { result, rollingOptions, seriesOf } from './rolling-result-fixture.ts';
import { buildSet, hour } from './set-fixture.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** What the writer must print: the object's JSON (its bytes are compared as strictly decoded UTF-8). */
function expected(r: RollingResult): string {
  return JSON.stringify(rollingResultJson(r));
}

describe('RollingJsonWriter', () => {
  it('prints the bytes of JSON.stringify(rollingResultJson(r)) for every result of a detection, both closings', () => {
    const random = seededRandom(11);
    const rows = [];
    for (let h = 0; h < 400; h++)
      for (const asset of ['a', 'b "q"', 'ü-資産'])
        if (random() > 0.05)
          rows.push([
            asset,
            hour(h + (random() < 0.1 ? 0 : 0.5)),
            [Math.round(random() * 20) * 5, random() < 0.02 ? Number.NaN : 100 * (1 + random())],
          ] as const);
    const set = buildSet(['score', 'price'], rows);
    for (const closed of ['left', 'right'] as const) {
      const writer = new RollingJsonWriter();
      let points = 0;
      for (const r of detectRolling(set, rollingOptions(closed))) {
        expect(UTF8.decode(writer.entry(r))).toBe(expected(r));
        points += r.q1.length;
      }
      expect(points).toBeGreaterThan(3000);
    }
  });

  it('prints NaN and ±Infinity as null, -0 as 0 and tiny and huge numbers as JSON.stringify does, in every field', () => {
    const k = EDGE_NUMBERS.length;
    const at = (shift: number) => Array.from({ length: k }, (_, i) => EDGE_NUMBERS[(i + shift) % k]!);
    const series = seriesOf('edge', [at(0)]);
    const r = result(series, {
      q1: at(1),
      q3: at(2),
      lower: at(3),
      upper: at(4),
      direction: at(0).map((_, i) => [DirectionCode.None, DirectionCode.High, DirectionCode.Low][i % 3]!),
      score: at(5),
    });
    const text = UTF8.decode(new RollingJsonWriter().entry(r));
    expect(text).toBe(expected(r));
    expect(text).toContain('"value":null,"q1":0,"q3":0,"lower":null,"upper":null');
    expect(text).toContain('"q1":-0.0000012345678901234567');
  });

  it('copies a fence that repeats the previous point only while it does: a change, NaN or -0 after 0 print anew', () => {
    const series = seriesOf('r', [[1, 2, 3, 4, 5, 6, 7, 8]]);
    const q1 = [Number.NaN, Number.NaN, 1.5, 1.5, 0, -0, 0, 1.5];
    const r = result(series, {
      q1,
      q3: [Number.NaN, 2, 2, 2, 2, 2, 3, 3],
      direction: [0, 0, 1, 1, 0, 0, -1, -1],
      score: [Number.NaN, Number.NaN, 0.5, Number.NaN, Number.NaN, Number.NaN, 2, 2],
    });
    const points = JSON.parse(UTF8.decode(new RollingJsonWriter().entry(r))).points;
    expect(points.map((p: { q1: unknown }) => p.q1)).toEqual([null, null, 1.5, 1.5, 0, 0, 0, 1.5]);
    expect(points.map((p: { direction: unknown }) => p.direction)).toEqual([
      null,
      null,
      'high',
      'high',
      null,
      null,
      'low',
      'low',
    ]);
    expect(UTF8.decode(new RollingJsonWriter().entry(r))).toBe(expected(r));
  });

  it('prints any numbers, repeats and directions as JSON.stringify does (property)', () => {
    const number = fc.oneof(
      fc.constantFrom(...EDGE_NUMBERS),
      fc.double(),
      fc.integer({ min: 0, max: 20 }).map((x) => x * 2.5),
    );
    const point = fc.record({
      value: number,
      q1: number,
      q3: number,
      lower: number,
      upper: number,
      // Mostly unflagged, as in reports: the writer copies an unflagged point's whole rest.
      direction: fc.oneof(
        { arbitrary: fc.constant(DirectionCode.None), weight: 3 },
        fc.constantFrom(DirectionCode.High, DirectionCode.Low),
      ),
      score: fc.oneof({ arbitrary: fc.constant(Number.NaN), weight: 3 }, number),
      repeat: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (raw) => {
        // Repeats of the previous point's fences, which the writer copies.
        const ps = raw.map((p, i) => (p.repeat && i > 0 ? { ...p, ...pick(raw[i - 1]!) } : p));
        const series = seriesOf('p', [ps.map((p) => p.value)]);
        const r = result(series, {
          q1: ps.map((p) => p.q1),
          q3: ps.map((p) => p.q3),
          lower: ps.map((p) => p.lower),
          upper: ps.map((p) => p.upper),
          direction: ps.map((p) => p.direction),
          score: ps.map((p) => p.score),
        });
        expect(UTF8.decode(new RollingJsonWriter().entry(r))).toBe(expected(r));
      }),
    );
  });

  it('prints the heads of every series and metric right whatever order results come in, and an empty series', () => {
    const a = seriesOf('a', [
      [1, 2, 3],
      [10, 20, 30],
    ]);
    const b = seriesOf('b', [
      [4, 5, 6, 7],
      [40, 50, 60, 70],
    ]);
    const empty = seriesOf('∅', [[]]);
    const writer = new RollingJsonWriter();
    const order: [AssetSeries, number][] = [
      [a, 0],
      [a, 1],
      [a, 0],
      [b, 1],
      [empty, 0],
      [a, 1],
      [b, 0],
    ];
    for (const [series, metric] of order) {
      const n = series.times.length;
      const r = result(series, { q1: Array.from({ length: n }, (_, i) => i / 3) }, metric);
      expect(UTF8.decode(writer.entry(r))).toBe(expected(r));
    }
    expect(UTF8.decode(writer.entry(result(empty, { q1: [] })))).toBe(
      '{"asset":"∅","metric":"m0","timeframe":3,"closed":"left","points":[]}',
    );
  });

  it('grows past its first buffer, keeping the heads of the metrics printed before', () => {
    const n = 20_000;
    const random = seededRandom(3);
    const values = [0, 1].map(() => Array.from({ length: n }, () => random() * 1e6));
    const series = seriesOf('long', values);
    const writer = new RollingJsonWriter();
    const first = result(series, { q1: values[0]!.map((v) => v / 7) }, 0);
    expect(UTF8.decode(writer.entry(first))).toBe(expected(first));
    const second = result(series, { q1: values[1]!.map((v) => v / 3), score: values[0]! }, 1);
    const again = result(series, { q1: values[0]!.map((v) => -v) }, 0, 7);
    for (const r of [second, again]) {
      const bytes = writer.entry(r);
      expect(bytes.byteLength).toBeGreaterThan(1 << 20);
      expect(UTF8.decode(bytes)).toBe(expected(r));
    }
  });
});

function pick(p: { q1: number; q3: number; lower: number; upper: number }) {
  return { q1: p.q1, q3: p.q3, lower: p.lower, upper: p.upper };
}
