import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlagLineWriter, flagLineHead } from '../../lambdas/cli/detect/flag-line-writer.ts';
import { rollingReport, seriesIsoTimes } from '../../lambdas/core/detect-json.ts';
import { DAY_MS, type RollingOptions } from '../../lambdas/core/detector-options.ts';
import {
  detectRolling,
  type RollingEngine,
  type RollingResult,
} from '../../lambdas/core/rolling-detector.ts';
import type { SeriesSet } from '../../lambdas/core/series.ts';
import { RollingKernel } from '../../lambdas/wasm/rolling-kernel.ts';
import { buildSet, DUPLICATE_INSTANTS, hour, snapshot } from '../core/set-fixture.ts';
import { disagreements } from '../support/agreement.ts';
import { goldenNames, goldenSeries, readGolden } from '../support/golden.ts';
import { randomSets } from '../support/random-sets.ts';

const POINT_ARRAYS = ['q1', 'q3', 'iqr', 'lower', 'upper', 'score', 'direction'] as const;

function kernel(): RollingKernel {
  const k = RollingKernel.create();
  if (k === null) throw new Error('dist/wasm/rolling.wasm is not built (npm run build:cli)');
  return k;
}

/**
 * The first difference between two runs' results, or null: equal numbers (NaN equal to NaN), but
 * 0 and -0 alike — which zero a window rank holds is no order statistic, and the JavaScript
 * detector's own windows (sorted arrays, bitsets and trees over ranks) differ there too; both
 * print as 0.
 */
function firstDifference(a: readonly RollingResult[], b: readonly RollingResult[]): string | null {
  if (a.length !== b.length) return `${a.length} results against ${b.length}`;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    const head = (r: RollingResult) => [r.asset, r.metric, r.timeframe, r.closed, r.metricIndex].join(' ');
    if (head(x) !== head(y) || x.series !== y.series) return `result ${k}: ${head(x)} against ${head(y)}`;
    for (const field of POINT_ARRAYS) {
      const u = x[field];
      const v = y[field];
      if (u.length !== v.length) return `result ${k} ${field}: ${u.length} points against ${v.length}`;
      for (let i = 0; i < u.length; i++) {
        if (!(u[i] === v[i] || Object.is(u[i], v[i])))
          return `result ${k} ${field}[${i}]: ${u[i]} against ${v[i]}`;
      }
    }
  }
  return null;
}

const withKernel = (set: SeriesSet, options: RollingOptions, engine: RollingEngine = kernel()) => [
  ...detectRolling(set, options, { engine }),
];
const inJavaScript = (set: SeriesSet, options: RollingOptions) => [...detectRolling(set, options)];

describe('RollingKernel', () => {
  it('gives the JavaScript detector’s fences bit for bit: pandas’ duplicate instants, closed left and right', () => {
    const a = DUPLICATE_INSTANTS.series[0]!;
    const later = [hour(30), hour(31), hour(32)];
    const set = buildSet(
      ['v'],
      [
        ...Array.from(a.times, (t, i) => ['a', t, [a.values[0]![i]!]] as const),
        ...[-0, Number.NaN, 4].map((v, i) => ['a', later[i]!, [v]] as const),
      ],
    );
    for (const closed of ['left', 'right'] as const) {
      const options = { closed, timeframes: [1], deviationLimit: 1.5, minSamples: 1 };
      expect(firstDifference(withKernel(set, options), inJavaScript(set, options))).toBeNull();
    }
    // pandas 2.3.3, s.rolling("1D", closed="left").quantile(0.25) at the three points of hour 1.
    const r = withKernel(set, { closed: 'left', timeframes: [1], deviationLimit: 1.5, minSamples: 1 })[0]!;
    expect(Array.from(r.q1.subarray(2, 5))).toEqual([1.25, 1.25, 1.25]);
  });

  it('agrees with the JavaScript detector on random series, options and gaps (property)', () => {
    const options = fc.record({
      closed: fc.constantFrom('left' as const, 'right' as const),
      timeframes: fc.array(fc.constantFrom(1 / 24, 1 / 6, 1, 3, 7, 30), { minLength: 1, maxLength: 3 }),
      deviationLimit: fc.constantFrom(0, 1.5, 3),
      minSamples: fc.integer({ min: 0, max: 6 }),
      minRelativeIqr: fc.constantFrom(0, 0, 0.1),
      judgeFrom: fc.option(fc.integer({ min: 0, max: 400 }).map(hour), { nil: undefined }),
    });
    const engine = kernel();
    fc.assert(
      fc.property(randomSets(), options, (set, o) => {
        const difference = firstDifference(withKernel(set, o, engine), inJavaScript(set, o));
        if (difference !== null) throw new Error(difference);
      }),
      { numRuns: 300 },
    );
  });

  it('without { reuse: true }, gives each result arrays of its own; with it, views valid until the next result', () => {
    const set = buildSet(
      ['v', 'w'],
      [5, 1, 9, 2, Number.NaN, 100, 3].map((v, i) => ['a', hour(i * 5), [v, -v]] as const),
    );
    const options = { closed: 'left' as const, timeframes: [1, 2], deviationLimit: 1.5, minSamples: 1 };
    const engine = kernel();
    const kept = [...detectRolling(set, options, { engine })];
    expect(firstDifference(kept, inJavaScript(set, options))).toBeNull();
    const streamed = inJavaScript(set, options);
    let k = 0;
    for (const r of detectRolling(set, options, { engine, reuse: true })) {
      expect(firstDifference([r], [streamed[k++]!])).toBeNull();
    }
    expect(k).toBe(streamed.length);
  });

  it('judges a series declined by the engine in JavaScript, and never modifies the set', () => {
    const set = buildSet(
      ['v'],
      [
        ...[5, Number.NaN, 1, 9, 2, 2, 100].map((v, i) => ['a', hour(i * 5), [v]] as const),
        ...[3, 1, 4, 1, 5, 9, 2, 6].map((v, i) => ['b', hour(i * 7), [v]] as const),
      ],
    );
    const before = snapshot(set);
    const real = kernel();
    const declinesA: RollingEngine = {
      judge: (series, metricIndex, span, options) =>
        series.asset === 'a' ? null : real.judge(series, metricIndex, span, options),
    };
    const options = { closed: 'right' as const, timeframes: [1, 3], deviationLimit: 1.5, minSamples: 2 };
    expect(firstDifference(withKernel(set, options, declinesA), inJavaScript(set, options))).toBeNull();
    expect(snapshot(set)).toEqual(before);
  });

  it('agrees with pandas on every rolling golden case', () => {
    const names = goldenNames().filter((name) => readGolden(name).mode === 'rolling');
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const c = readGolden(name);
      const { set, common } = goldenSeries(c);
      const options = { ...common, closed: c.options.closed ?? 'left' };
      const report = rollingReport(detectRolling(set, options, { engine: kernel() }), options);
      expect(disagreements(report, c.expected), name).toEqual([]);
    }
  });

  it('prints each result’s flag lines byte for byte as FlagLineWriter does, and counts as it does (property)', () => {
    const value = fc.oneof(
      fc.integer({ min: -50, max: 50 }),
      fc.double({ min: -1e9, max: 1e9, noNaN: true }),
      fc.constantFrom(Number.NaN, 1e-9, 5e-324, 1e300),
    );
    const rows = fc.array(fc.tuple(fc.constantFrom(0, 1, 1, 2, 30), fc.constantFrom(0, 0, 0, 0.5), value), {
      minLength: 1,
      maxLength: 200,
    });
    const asset = fc.oneof(
      fc.constantFrom('btc', 'asset-0001'),
      fc.string({ maxLength: 20, unit: 'binary' }),
    );
    const options = fc.record({
      closed: fc.constantFrom('left' as const, 'right' as const),
      timeframes: fc.constant([1, 3]),
      deviationLimit: fc.constantFrom(0, 0.5, 1.5),
      minSamples: fc.integer({ min: 0, max: 8 }),
      minRelativeIqr: fc.constantFrom(0, 0.1),
      judgeFrom: fc.option(
        fc.integer({ min: -30_000, max: 70_000 }).map((d) => d * 86_400_000),
        { nil: undefined },
      ),
    });
    const engine = kernel();
    const writer = new FlagLineWriter();
    let printed = 0;
    fc.assert(
      fc.property(
        asset,
        rows,
        fc.integer({ min: -30_000, max: 70_000 }),
        options,
        (name, steps, startDay, o) => {
          // Whole hours, now and then half a millisecond past one (printed as Date cuts it).
          let time = Date.UTC(1970, 0, 1) + startDay * 86_400_000;
          const set = buildSet(
            ['v'],
            steps.map(([gap, fraction, v]) => {
              time += gap * 3_600_000;
              return [name, time + fraction, [v]] as const;
            }),
          );
          const series = set.series[0]!;
          const results = inJavaScript(set, o);
          for (const r of results) {
            const expected = Buffer.from(writer.rolling(r, seriesIsoTimes(r.series)));
            const head = flagLineHead(r);
            const lines = engine.flagLines(series, r.metricIndex, r.timeframe * DAY_MS, o, head);
            if (lines === null) throw new Error(`declined ${JSON.stringify(r.asset)}`);
            if (!Buffer.from(lines.bytes).equals(expected))
              throw new Error(`${expected} against ${Buffer.from(lines.bytes)}`);
            const flagged = Array.from(r.direction).filter((d) => d !== 0).length;
            const unjudged = Array.from(r.q1).filter(Number.isNaN).length;
            if (lines.flagged !== flagged || lines.unjudged !== unjudged) {
              throw new Error(`counts ${lines.flagged}/${lines.unjudged} against ${flagged}/${unjudged}`);
            }
            printed += expected.length;
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(printed).toBeGreaterThan(0);
  });

  it('declines to print a head longer than 256 bytes, for FlagLineWriter to print it', () => {
    const set = buildSet(
      ['v'],
      [5, 1, 9, 2, 100, 3].map((v, i) => ['a'.repeat(300), hour(i * 5), [v]] as const),
    );
    const options = { closed: 'left' as const, timeframes: [2], deviationLimit: 0, minSamples: 1 };
    const r = inJavaScript(set, options)[0]!;
    expect(kernel().flagLines(set.series[0]!, 0, 2 * DAY_MS, options, flagLineHead(r))).toBeNull();
  });
});
