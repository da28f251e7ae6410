import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowReport, windowResultJson } from '../../lambdas/core/detect-json.ts';
import type { WindowOptions } from '../../lambdas/core/detector-options.ts';
import type { SeriesSet } from '../../lambdas/core/series.ts';
import { parseIsoTimestamp } from '../../lambdas/core/timestamp.ts';
import { detectWindow } from '../../lambdas/core/window-detector.ts';
import { WindowKernel } from '../../lambdas/wasm/window-kernel.ts';
import { buildSet, hour, snapshot } from '../core/set-fixture.ts';
import { disagreements } from '../support/agreement.ts';
import { goldenNames, goldenSeries, readGolden } from '../support/golden.ts';
import { randomSets } from '../support/random-sets.ts';

function kernel(): WindowKernel {
  const k = WindowKernel.create();
  if (k === null) throw new Error('dist/wasm/window.wasm is not built (npm run build:cli)');
  return k;
}

/** Each series' entries and per-result numbers from the kernel, and the same from detectWindow. */
function both(set: SeriesSet, options: WindowOptions, engine = kernel()) {
  return set.series.map((series) => {
    const printed = engine.entries(series, set.metrics, options);
    const results = detectWindow({ metrics: set.metrics, series: [series] }, options);
    return {
      kernel: printed && {
        text: Buffer.from(printed.bytes).toString('utf8'),
        stats: Array.from(printed.stats),
      },
      javascript: {
        text: results.map((r) => JSON.stringify(windowResultJson(r))).join(','),
        stats: results.flatMap((r) => [r.n, r.fences ? 1 : 0, r.flags.length]),
      },
    };
  });
}

describe('WindowKernel', () => {
  it('prints each result as JSON.stringify(windowResultJson(r)) does, and counts as detectWindow does', () => {
    const set = buildSet(
      ['volume', 'price "quoted" ünïcode'],
      [
        ...[5, 1, 9, 2, Number.NaN, 100, 3, -0, 1e300, -4].map(
          (v, i) => ['coin "a" é', hour(i * 5), [v, -v / 3]] as const,
        ),
        ...[0, -0, 7].map((v, i) => ['b', hour(i), [v, Number.POSITIVE_INFINITY]] as const),
      ],
    );
    const options = { asOf: hour(48), timeframes: [1, 2, 0.5], deviationLimit: 1.5, minSamples: 2 };
    const before = snapshot(set);
    for (const { kernel: k, javascript } of both(set, options)) expect(k).toEqual(javascript);
    expect(snapshot(set)).toEqual(before);
  });

  it('agrees with detectWindow on random series and options (property)', () => {
    const options = fc.record({
      asOf: fc.integer({ min: 0, max: 600 }).map(hour),
      timeframes: fc.array(fc.constantFrom(1 / 24, 1 / 6, 1, 3, 7, 30), { minLength: 1, maxLength: 3 }),
      deviationLimit: fc.constantFrom(0, 1.5, 3),
      minSamples: fc.integer({ min: 0, max: 6 }),
      minRelativeIqr: fc.constantFrom(0, 0, 0.1),
    });
    const engine = kernel();
    fc.assert(
      fc.property(randomSets(), options, (set, o) => {
        for (const { kernel: k, javascript } of both(set, o, engine)) {
          if (k === null) throw new Error('declined a series of whole hours');
          if (k.text !== javascript.text) throw new Error(`${k.text}\nagainst\n${javascript.text}`);
          if (k.stats.join() !== javascript.stats.join())
            throw new Error(`${k.stats} against ${javascript.stats}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('prints a time with a fraction of a millisecond as Date cuts it, and declines a time past the year 9999', () => {
    const options = {
      asOf: Date.UTC(10_001, 0, 1),
      timeframes: [36_600_000],
      deviationLimit: 1.5,
      minSamples: 1,
    };
    const at = (times: readonly number[]) =>
      buildSet(
        ['v'],
        [1, 1, 1, 1, 50].map((v, i) => ['a', times[i]!, [v]] as const),
      );
    const fraction = at([0, 1, 2, 3, 4].map((i) => hour(i) + (i === 4 ? -1e6 + 0.5 : 0)));
    for (const { kernel: k, javascript } of both(fraction, options)) expect(k).toEqual(javascript);
    const late = at([0, 1, 2, 3, 4].map((i) => Date.UTC(9999, 11, 31, 20 + i)));
    expect(kernel().entries(late.series[0]!, late.metrics, options)).toBeNull();
  });

  it('agrees with pandas on every window golden case', () => {
    const names = goldenNames().filter((name) => readGolden(name).mode === 'window');
    expect(names.length).toBeGreaterThan(5);
    const engine = kernel();
    for (const name of names) {
      const c = readGolden(name);
      const { set, common } = goldenSeries(c);
      const options = { ...common, asOf: parseIsoTimestamp(c.options.asOf!) };
      const entries = set.series.map((s) =>
        Buffer.from(engine.entries(s, set.metrics, options)!.bytes).toString(),
      );
      const report = {
        ...(windowReport([], options) as object),
        results: JSON.parse(`[${entries.join(',')}]`),
      };
      expect(disagreements(report, c.expected), name).toEqual([]);
    }
  });
});
