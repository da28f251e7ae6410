import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lambdas/core/detector-options.ts';
import { DirectionCode, detectRolling } from '../../lambdas/core/rolling-detector.ts';
import { SeriesBuilder, type SeriesSet } from '../../lambdas/core/series.ts';
import { detectWindow } from '../../lambdas/core/window-detector.ts';
import { evaluateHistory, type Tally } from '../../lambdas/evaluate/evaluate-history.ts';
import { eventRowDays, InvalidLagError, type MarketEvent } from '../../lambdas/events/market-events.ts';
import { sampleSet } from '../report/report-fixture.ts';

const START = Date.UTC(2022, 0, 1);
/** Planted on 2022-01-30: shows in the row of 2022-01-31 (index 30), as in CoinGecko snapshots. */
const PLANTED: MarketEvent = Object.freeze({
  id: 'planted',
  name: 'planted spike',
  from: '2022-01-30',
  to: '2022-01-30',
  assets: ['alpha'],
  fact: 'alpha price 100 instead of 10/11',
});

/**
 * alpha: price alternates 10, 11 with a spike of 100 on the event row; volume constant.
 * beta: both metrics constant. 40 days each.
 */
function plantedHistory(): SeriesSet {
  const b = new SeriesBuilder(['latest_price', 'volume']);
  for (let i = 0; i < 40; i++) {
    b.add('alpha', START + i * DAY_MS, [i === 30 ? 100 : i % 2 === 0 ? 10 : 11, 1000], i);
    b.add('beta', START + i * DAY_MS, [5, 7], 40 + i);
  }
  return b.build();
}

const tally = (t: Partial<Tally>): Tally => ({
  eventPairs: 1,
  eventFlagged: 0,
  otherPoints: 79,
  otherFlagged: 0,
  flags: 0,
  iqrZeroFlags: 0,
  ...t,
});

describe('evaluateHistory on a planted event', () => {
  const evaluation = evaluateHistory(plantedHistory(), {
    events: [PLANTED],
    modes: ['rolling', 'window'],
    deviationLimits: [1.5],
    minRelativeIqrs: [0, 0.1],
    timeframes: [7],
    minSamples: 1,
  });
  const row = (mode: string, guard: number) =>
    evaluation.rows.find((r) => r.mode === mode && r.minRelativeIqr === guard)!;

  it('finds the event pair one day after the event (00:00 UTC snapshot lag)', () => {
    expect(evaluation.events).toEqual([
      { id: 'planted', name: 'planted spike', rowDays: ['2022-01-31'], pairs: 1 },
    ]);
  });

  // rolling (closed left): day 2 (11) is judged against the single value 10 → IQR 0, flagged high;
  // the spike is flagged against [11,10,11,10,11,10,11]. Window (daily asOf): day 2's window [10, 11]
  // has IQR 0.5, so only the spike is flagged. The guard 0.1 floors the 1-value window's IQR at 1.
  it.each([
    ['rolling', 0, tally({ eventFlagged: 1, otherFlagged: 1, flags: 2, iqrZeroFlags: 1 })],
    ['rolling', 0.1, tally({ eventFlagged: 1, flags: 1 })],
    ['window', 0, tally({ eventFlagged: 1, flags: 1 })],
    ['window', 0.1, tally({ eventFlagged: 1, flags: 1 })],
  ])('%s, guard %s: latest_price tally is known', (mode, guard, expected) => {
    expect(row(mode, guard).metrics.latest_price).toEqual(expected);
    expect(row(mode, guard).metrics.volume).toEqual(tally({}));
    expect(row(mode, guard).any).toEqual(expected);
    expect(row(mode, guard).events).toEqual({ planted: { pairs: 1, flagged: 1 } });
  });

  it('returns one row per mode × k × guard × timeframe', () => {
    expect(evaluation.rows.map((r) => [r.mode, r.deviationLimit, r.minRelativeIqr, r.timeframe])).toEqual([
      ['rolling', 1.5, 0, 7],
      ['rolling', 1.5, 0.1, 7],
      ['window', 1.5, 0, 7],
      ['window', 1.5, 0.1, 7],
    ]);
  });
});

describe('evaluateHistory agrees with the core detectors on real data', () => {
  const options = {
    modes: ['rolling', 'window'] as const,
    deviationLimits: [1.5, 3],
    minRelativeIqrs: [0],
    timeframes: [3, 7, 30],
    minSamples: 1,
  };

  it('rolling flags for every k equal detectRolling run with that k', async () => {
    const set = await sampleSet();
    const evaluation = evaluateHistory(set, { ...options, events: [], modes: ['rolling'] });
    for (const row of evaluation.rows) {
      let expected = 0;
      const run = {
        timeframes: [row.timeframe],
        deviationLimit: row.deviationLimit,
        minSamples: 1,
        closed: 'left' as const,
      };
      for (const r of detectRolling(set, run))
        expected += r.direction.filter((d) => d !== DirectionCode.None).length;
      expect(row.any.flags).toBe(expected);
    }
  });

  it("window flags equal detectWindow run each day with asOf = day + 1, keeping that day's points", async () => {
    const set = await sampleSet();
    const evaluation = evaluateHistory(set, {
      ...options,
      events: [],
      modes: ['window'],
      deviationLimits: [1.5],
    });
    const days = new Set(set.series.flatMap((s) => Array.from(s.times, (t) => Math.floor(t / DAY_MS))));
    const expected = new Map<number, number>();
    for (const day of days) {
      const asOf = (day + 1) * DAY_MS;
      for (const r of detectWindow(set, {
        timeframes: [3, 7, 30],
        deviationLimit: 1.5,
        minSamples: 1,
        asOf,
      })) {
        const n = r.flags.filter((f) => f.time >= day * DAY_MS).length;
        expected.set(r.timeframe, (expected.get(r.timeframe) ?? 0) + n);
      }
    }
    for (const row of evaluation.rows) expect(row.any.flags).toBe(expected.get(row.timeframe));
  });
});

describe('evaluateHistory lag bounds', () => {
  const options = {
    events: [PLANTED],
    modes: ['rolling'] as const,
    deviationLimits: [1.5],
    minRelativeIqrs: [0],
    timeframes: [7],
    minSamples: 1,
  };

  it.each([
    [0, ['2022-01-30']],
    [3650, ['2032-01-28']],
  ] as const)('a lag of %i days shifts the event rows to %j', (lagDays, rowDays) => {
    expect(evaluateHistory(plantedHistory(), { ...options, lagDays }).events[0]!.rowDays).toEqual(rowDays);
  });

  it.each([1e9, 3651, -1, 1.5, Number.NaN])(
    'a lag of %d days is a usage error naming --lag-days and its range',
    (lagDays) => {
      expect(() => evaluateHistory(plantedHistory(), { ...options, lagDays })).toThrow(
        expect.objectContaining({
          name: 'UsageError',
          message: expect.stringMatching(/^--lag-days: .* from 0 to 3650$/),
        }),
      );
    },
  );
});

describe('eventRowDays', () => {
  it.each([1e9, 3651, -1, 0.5])(
    'refuses a lag of %d days with InvalidLagError, not an invalid Date',
    (lagDays) => {
      expect(() => eventRowDays(PLANTED, lagDays)).toThrow(InvalidLagError);
    },
  );
});
