import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lambdas/core/detector-options.ts';
import type { Fences } from '../../lambdas/core/fences.ts';
import { DirectionCode, detectRolling } from '../../lambdas/core/rolling-detector.ts';
import type { SeriesSet } from '../../lambdas/core/series.ts';
import { SORTED_WINDOW_LIMIT } from '../../lambdas/core/sorted-window.ts';
import { detectWindow } from '../../lambdas/core/window-detector.ts';
import { close } from '../support/agreement.ts';
import {
  type OracleFences,
  type OraclePoint,
  type OracleRollingResult,
  type OracleWindowResult,
  oracleRolling,
  oracleWindow,
} from '../support/oracle.ts';
import { buildSet, deepFreeze, snapshot } from './set-fixture.ts';

const METRICS = Object.freeze(['x', 'y']);
const BASE = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const RUNS = { numRuns: 200 };

/** Mostly a small set of values (ties, fences landing on values), some arbitrary doubles and bad values. */
const value = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(-3, -1, 0, 0.5, 1, 1, 2, 5, 100) },
  { weight: 3, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  { weight: 1, arbitrary: fc.double() }, // extremes: ±MAX_VALUE, subnormals, -0, NaN, ±Infinity
);

/** Gap to the asset's previous point: 0 (duplicate instant), whole hours, or any number of ms up to 3 days. */
const gap = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 48 }).map((h) => h * HOUR) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 * DAY_MS }) },
);

/**
 * Several assets, each on its own irregular clock, optionally delivered out of
 * order (sorted by a random key) so the core's stable sort is exercised.
 */
const points = fc
  .record({
    draws: fc.array(
      fc.record({
        asset: fc.constantFrom('btc', 'eth', 'sol'),
        gap,
        key: fc.nat(30),
        values: fc.tuple(value, value),
      }),
      { maxLength: 60 },
    ),
    shuffle: fc.boolean(),
  })
  .map(({ draws, shuffle }): OraclePoint[] => {
    const clock = new Map<string, number>();
    const timed = draws.map((d) => {
      const time = (clock.get(d.asset) ?? BASE) + d.gap;
      clock.set(d.asset, time);
      return { key: d.key, point: { asset: d.asset, time, values: d.values } };
    });
    if (shuffle) timed.sort((a, b) => a.key - b.key);
    return timed.map((t) => t.point);
  });

/** Quarter days hit window boundaries exactly on the hourly grid; arbitrary doubles do not. */
const timeframes = fc.uniqueArray(
  fc.oneof(
    fc.integer({ min: 1, max: 20 }).map((q) => q / 4),
    fc.double({ min: 0.25, max: 5, noNaN: true }),
  ),
  { minLength: 1, maxLength: 3 },
);

const detectorParams = fc.record({
  timeframes,
  deviationLimit: fc.oneof(fc.constantFrom(0.5, 1, 1.5, 3), fc.double({ min: 0.01, max: 10, noNaN: true })),
  minSamples: fc.integer({ min: 1, max: 6 }),
  minRelativeIqr: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.constantFrom(0.01, 0.5)),
});

/** NaN equals NaN, -0 equals 0, otherwise the golden tolerance (1e-9 relative). */
function same(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || close(a, b);
}

function fenceMismatch(where: string, actual: Fences, expected: OracleFences): string[] {
  return (['q1', 'q3', 'iqr', 'lower', 'upper'] as const)
    .filter((f) => !same(actual[f], expected[f]))
    .map((f) => `${where}: ${f} ${actual[f]} != ${expected[f]}`);
}

function windowMismatches(
  set: SeriesSet,
  results: ReturnType<typeof detectWindow>,
  oracle: OracleWindowResult[],
) {
  const out: string[] = [];
  if (results.length !== oracle.length) return [`${results.length} results != ${oracle.length}`];
  const series = new Map(set.series.map((s) => [s.asset, s]));
  results.forEach((r, i) => {
    const o = oracle[i]!;
    const where = `${o.asset}/${METRICS[o.metric]}/${o.timeframe}`;
    if (r.asset !== o.asset || r.metric !== METRICS[o.metric] || r.timeframe !== o.timeframe) {
      out.push(`result ${i} is ${r.asset}/${r.metric}/${r.timeframe}, expected ${where}`);
      return;
    }
    const refs = series.get(r.asset)!.refs;
    const window = Array.from(refs.subarray(r.start, r.end));
    if (window.join() !== o.window.join()) out.push(`${where}: window ${window} != ${o.window}`);
    if (r.n !== o.n) out.push(`${where}: n ${r.n} != ${o.n}`);
    if ((r.fences === null) !== (o.fences === null)) out.push(`${where}: fences ${r.fences} vs ${o.fences}`);
    else if (r.fences && o.fences) out.push(...fenceMismatch(where, r.fences, o.fences));
    const actual = r.flags.map((f) => `${refs[f.index]}@${f.time}:${f.value}:${f.direction}`);
    const expected = o.flags.map((f) => `${f.input}@${f.time}:${f.value}:${f.direction}`);
    if (actual.join() !== expected.join()) out.push(`${where}: flags ${actual} != ${expected}`);
    else {
      r.flags.forEach((f, j) => {
        const s = o.flags[j]!.score;
        if (!(f.score === s || (f.score !== null && s !== null && same(f.score, s)))) {
          out.push(`${where}: score ${f.score} != ${s}`);
        }
      });
    }
  });
  return out;
}

function rollingMismatches(results: ReturnType<typeof rollingOf>, oracle: OracleRollingResult[]): string[] {
  const out: string[] = [];
  if (results.length !== oracle.length) return [`${results.length} results != ${oracle.length}`];
  results.forEach((r, i) => {
    const o = oracle[i]!;
    const where = `${o.asset}/${METRICS[o.metric]}/${o.timeframe}`;
    if (r.asset !== o.asset || r.metric !== METRICS[o.metric] || r.timeframe !== o.timeframe) {
      out.push(`result ${i} is ${r.asset}/${r.metric}/${r.timeframe}, expected ${where}`);
      return;
    }
    o.points.forEach((p, j) => {
      const at = `${where}[${j}]`;
      if (r.series.refs[j] !== p.input || r.series.times[j] !== p.time)
        out.push(`${at}: not point ${p.input}`);
      const f = p.fences ?? {
        q1: Number.NaN,
        q3: Number.NaN,
        iqr: Number.NaN,
        lower: Number.NaN,
        upper: Number.NaN,
      };
      out.push(
        ...fenceMismatch(
          at,
          { q1: r.q1[j]!, q3: r.q3[j]!, iqr: r.iqr[j]!, lower: r.lower[j]!, upper: r.upper[j]! },
          f,
        ),
      );
      const direction = p.verdict?.direction;
      const code =
        direction === 'high'
          ? DirectionCode.High
          : direction === 'low'
            ? DirectionCode.Low
            : DirectionCode.None;
      if (r.direction[j] !== code) out.push(`${at}: direction ${r.direction[j]} != ${code}`);
      if (!same(r.score[j]!, p.verdict?.score ?? Number.NaN)) {
        out.push(`${at}: score ${r.score[j]} != ${p.verdict?.score}`);
      }
    });
  });
  return out;
}

function rollingOf(set: SeriesSet, options: Parameters<typeof detectRolling>[1]) {
  return [...detectRolling(set, options)];
}

describe('the detector core agrees with a brute-force oracle (property)', () => {
  it('detectWindow: window members, n, fences and flags equal the oracle for random series, timeframes, k, minSamples and asOf', () => {
    const scenario = fc.record({
      points,
      params: detectorParams,
      asOfOffset: fc.integer({ min: -DAY_MS, max: 12 * DAY_MS }),
      asOfOnPoint: fc.option(fc.nat(), { freq: 2 }),
    });
    fc.assert(
      fc.property(scenario, ({ points, params, asOfOffset, asOfOnPoint }) => {
        deepFreeze(points);
        const onPoint =
          asOfOnPoint !== null && points.length > 0 ? points[asOfOnPoint % points.length] : undefined;
        const options = deepFreeze({ ...params, asOf: onPoint ? onPoint.time : BASE + asOfOffset });
        const set = buildSet(
          METRICS,
          points.map((p) => [p.asset, p.time, p.values] as const),
        );
        const before = snapshot(set);
        const results = detectWindow(set, options);
        expect(windowMismatches(set, results, oracleWindow(points, METRICS.length, options))).toEqual([]);
        expect(snapshot(set)).toEqual(before);
      }),
      RUNS,
    );
  });

  for (const closed of ['left', 'right'] as const) {
    it(`detectRolling closed=${closed}: every point's fences, direction and score equal the oracle, duplicates included`, () => {
      fc.assert(
        fc.property(points, detectorParams, (points, params) => {
          deepFreeze(points);
          const options = deepFreeze({ ...params, closed });
          const set = buildSet(
            METRICS,
            points.map((p) => [p.asset, p.time, p.values] as const),
          );
          const before = snapshot(set);
          const results = rollingOf(set, options);
          expect(rollingMismatches(results, oracleRolling(points, METRICS.length, options))).toEqual([]);
          expect(snapshot(set)).toEqual(before);
        }),
        RUNS,
      );
    });
  }

  it('detectRolling: windows of more values than SORTED_WINDOW_LIMIT (kept in a Fenwick tree) equal the oracle too', () => {
    const random = fc.sample(fc.tuple(value, value), { numRuns: 2300, seed: 5 });
    const minute = 60_000;
    const many = deepFreeze(
      random.map((values, i): OraclePoint => ({ asset: 'btc', time: BASE + i * minute, values })),
    );
    expect(SORTED_WINDOW_LIMIT).toBeLessThan(many.length);
    for (const closed of ['left', 'right'] as const) {
      const options = deepFreeze({ timeframes: [2], deviationLimit: 1.5, minSamples: 1, closed });
      const set = buildSet(
        METRICS,
        many.map((p) => [p.asset, p.time, p.values] as const),
      );
      expect(
        rollingMismatches(rollingOf(set, options), oracleRolling(many, METRICS.length, options)),
      ).toEqual([]);
    }
  });
});
