import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowReport, windowResultJson } from '../../lambdas/core/detect-json.ts';
import {
  DEFAULT_METRICS,
  DEFAULT_TIMEFRAMES,
  type WindowOptions,
} from '../../lambdas/core/detector-options.ts';
import type { SeriesSet } from '../../lambdas/core/series.ts';
import { seriesFromDocuments } from '../../lambdas/core/series-from-documents.ts';
import { parseIsoTimestamp } from '../../lambdas/core/timestamp.ts';
import { detectWindow } from '../../lambdas/core/window-detector.ts';
import { WindowKernel } from '../../lambdas/wasm/window-kernel.ts';
import { buildSet, hour, type Row, snapshot } from '../core/set-fixture.ts';
import { disagreements } from '../support/agreement.ts';
import { goldenNames, readGolden } from '../support/golden.ts';

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
    const value = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.constantFrom(0, -0, 1, Number.NaN, Number.NEGATIVE_INFINITY, -1e308, 1e308),
      },
      { weight: 4, arbitrary: fc.integer({ min: -50, max: 50 }) },
      { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    );
    const series = fc.array(fc.tuple(fc.constantFrom(0, 1, 1, 1, 2, 5, 30), value, value), {
      minLength: 0,
      maxLength: 300,
      size: 'max',
    });
    const options = fc.record({
      asOf: fc.integer({ min: 0, max: 600 }).map(hour),
      timeframes: fc.array(fc.constantFrom(1 / 24, 1 / 6, 1, 3, 7, 30), { minLength: 1, maxLength: 3 }),
      deviationLimit: fc.constantFrom(0, 1.5, 3),
      minSamples: fc.integer({ min: 0, max: 6 }),
      minRelativeIqr: fc.constantFrom(0, 0, 0.1),
    });
    const engine = kernel();
    fc.assert(
      fc.property(fc.array(series, { minLength: 1, maxLength: 3 }), options, (assets, o) => {
        const rows: Row[] = [];
        assets.forEach((steps, a) => {
          let time = hour(0);
          for (const [gap, v, w] of steps) {
            time += gap * 3_600_000;
            rows.push([`asset-${a}`, time, [v, w]]);
          }
        });
        for (const { kernel: k, javascript } of both(buildSet(['v', 'w'], rows), o, engine)) {
          if (k === null) throw new Error('declined a series of whole hours');
          if (k.text !== javascript.text) throw new Error(`${k.text}\nagainst\n${javascript.text}`);
          if (k.stats.join() !== javascript.stats.join())
            throw new Error(`${k.stats} against ${javascript.stats}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('declines a series whose flagged point has a time that is not a whole millisecond', () => {
    const set = buildSet(
      ['v'],
      [1, 1, 1, 1, 50].map((v, i) => ['a', hour(i) + (i === 4 ? 0.5 : 0), [v]] as const),
    );
    const options = { asOf: hour(10), timeframes: [1], deviationLimit: 1.5, minSamples: 1 };
    expect(kernel().entries(set.series[0]!, set.metrics, options)).toBeNull();
  });

  it('agrees with pandas on every window golden case', () => {
    const names = goldenNames().filter((name) => readGolden(name).mode === 'window');
    expect(names.length).toBeGreaterThan(5);
    const engine = kernel();
    for (const name of names) {
      const c = readGolden(name);
      const metrics = c.options.metrics ?? [...DEFAULT_METRICS];
      const options = {
        asOf: parseIsoTimestamp(c.options.asOf!),
        timeframes: c.options.timeframes ?? [...DEFAULT_TIMEFRAMES],
        deviationLimit: c.options.deviationLimit ?? 1.5,
        minSamples: c.options.minSamples ?? 1,
      };
      const { set } = seriesFromDocuments(c.input, {
        assetField: 'coin_id',
        timeField: 'timestamp',
        metrics,
      });
      const entries = set.series.map((s) =>
        Buffer.from(engine.entries(s, set.metrics, options)!.bytes).toString(),
      );
      const report = {
        ...(windowReport([], { ...options, metrics }) as object),
        results: JSON.parse(`[${entries.join(',')}]`),
      };
      expect(disagreements(report, c.expected), name).toEqual([]);
    }
  });
});
