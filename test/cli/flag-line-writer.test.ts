import { describe, expect, it } from 'vitest';
import { FlagLineWriter } from '../../lambdas/cli/detect/flag-line-writer.ts';
import { isoText, seriesIsoTimes } from '../../lambdas/core/detect-json.ts';
import { DirectionCode } from '../../lambdas/core/fences.ts';
import { detectRolling, rollingFlags } from '../../lambdas/core/rolling-detector.ts';
import { detectWindow, type WindowFlag, type WindowResult } from '../../lambdas/core/window-detector.ts';
import { result, rollingOptions, seriesOf } from '../core/rolling-result-fixture.ts';
import { buildSet, deepFreeze, hour, snapshot } from '../core/set-fixture.ts';
import { EDGE_NUMBERS } from '../support/json-numbers.ts';
import { seededRandom } from '../support/seeded-random.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** What a line must be: the flag's object, keys in this order, as JSON.stringify prints it. */
function line(
  r: { asset: string; metric: string; timeframe: number },
  f: Pick<WindowFlag, 'time' | 'value' | 'direction' | 'score'>,
  lower: number,
  upper: number,
): string {
  const { asset, metric, timeframe } = r;
  const { value, direction, score } = f;
  return `${JSON.stringify({ asset, metric, timeframe, timestamp: isoText(f.time), value, direction, score, lower, upper })}\n`;
}

/** A set where every series has spikes, in both directions, and bad values. */
function spikySet() {
  const random = seededRandom(5);
  const rows = [];
  for (let h = 0; h < 500; h++)
    for (const asset of ['a', 'b "q"', 'ü-資産'])
      if (random() > 0.05) {
        const spike = random() < 0.05 ? (random() < 0.5 ? -1 : 1) * 500 : 0;
        rows.push([
          asset,
          hour(h),
          [
            Math.round(random() * 20) * 5 + spike,
            random() < 0.02 ? Number.NaN : 100 * (1 + random()) + spike,
          ],
        ] as const);
      }
  return buildSet(['score', 'price'], rows);
}

describe('FlagLineWriter', () => {
  it('window(r) prints a line per flag: the JSON of where it belongs, when, the value, the verdict and the fences', () => {
    const set = spikySet();
    const before = snapshot(set);
    const writer = new FlagLineWriter();
    let flags = 0;
    for (const r of detectWindow(set, {
      asOf: hour(500),
      timeframes: [1, 3, 7],
      deviationLimit: 1.5,
      minSamples: 3,
    })) {
      const lines = r.fences ? r.flags.map((f) => line(r, f, r.fences!.lower, r.fences!.upper)).join('') : '';
      expect(UTF8.decode(writer.window(deepFreeze(r)))).toBe(lines);
      flags += r.flags.length;
    }
    expect(flags).toBeGreaterThan(50);
    expect(snapshot(set)).toEqual(before);
  });

  it('rolling(r, times) prints a line per flagged point, as window(r) does, for both closings', () => {
    const set = spikySet();
    const writer = new FlagLineWriter();
    for (const closed of ['left', 'right'] as const) {
      let flags = 0;
      for (const r of detectRolling(set, rollingOptions(closed))) {
        const lines = [...rollingFlags(r)].map((f) => line(r, f, f.lower, f.upper)).join('');
        expect(UTF8.decode(writer.rolling(r, seriesIsoTimes(r.series)))).toBe(lines);
        flags += lines.length > 0 ? lines.split('\n').length - 1 : 0;
      }
      expect(flags).toBeGreaterThan(200);
    }
  });

  it('prints NaN and ±Infinity as null, -0 as 0, a null score as null and tiny and huge numbers as JSON.stringify does', () => {
    const k = EDGE_NUMBERS.length;
    const at = (shift: number) => Array.from({ length: k }, (_, i) => EDGE_NUMBERS[(i + shift) % k]!);
    const series = seriesOf('edge "ä"', [at(0)]);
    const r = result(
      series,
      {
        q1: at(1),
        q3: at(2),
        lower: at(3),
        upper: at(4),
        direction: at(0).map((_, i) => (i % 2 === 0 ? DirectionCode.High : DirectionCode.Low)),
        score: at(5),
      },
      0,
      7,
    );
    const text = UTF8.decode(new FlagLineWriter().rolling(r, seriesIsoTimes(series)));
    expect(text).toBe([...rollingFlags(r)].map((f) => line(r, f, f.lower, f.upper)).join(''));
    expect(text.split('\n')).toHaveLength(k + 1);
    expect(text).toContain(
      '{"asset":"edge \\"ä\\"","metric":"m0","timeframe":7,"timestamp":"2024-01-01T03:00:00.000Z","value":null,"direction":"low","score":123456789012345680000,"lower":-1.7976931348623157e+308,"upper":1e+21}',
    );
  });

  it('fits the longest lines: 27-character times, every flag high, every number 25 characters', () => {
    // Enough lines that the writer's buffer is sized by the estimate alone, not by doubling.
    const n = 1000;
    const longest = -0.0000012345678901234567;
    const last = 8.64e15; // the latest instant a Date holds: +275760-09-13T00:00:00.000Z
    const series = {
      ...seriesOf('a', [new Array<number>(n).fill(longest)]),
      times: Float64Array.from({ length: n }, (_, i) => last - (n - 1 - i) * 3_600_000),
    };
    const fill = new Array<number>(n).fill(longest);
    const r = result(series, {
      q1: fill,
      lower: fill,
      upper: fill,
      direction: new Array<number>(n).fill(DirectionCode.High),
      score: fill,
    });
    const text = UTF8.decode(new FlagLineWriter().rolling(r, seriesIsoTimes(series)));
    expect(text).toBe([...rollingFlags(r)].map((f) => line(r, f, f.lower, f.upper)).join(''));
    expect(text).toContain('"timestamp":"+275760-09-13T00:00:00.000Z"');
  });

  it('prints nothing for a result without flags, and a window without fences', () => {
    const writer = new FlagLineWriter();
    const base = { asset: 'a', metric: 'm', timeframe: 3, n: 0, start: 0, end: 0, flags: [] };
    expect(writer.window({ ...base, fences: null } satisfies WindowResult)).toHaveLength(0);
    const flag = { index: 0, time: hour(0), value: 1, direction: 'high', score: 1 } as const;
    expect(writer.window({ ...base, fences: null, flags: [flag] })).toHaveLength(0);
  });
});
