import { describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../lambdas/events/market-events.ts';
import { chartEvents } from '../../lambdas/report/chart-events.ts';

const H = 3_600_000;

describe('chartEvents', () => {
  it.each([
    ['terra-luna', '2022-04-01', '2022-06-30', ['terra-luna']],
    ['bitcoin', '2022-04-01', '2022-06-30', []],
    ['bitcoin', '2020-01-01', '2021-12-31', ['covid-crash', 'may-2021-sell-off']],
    ['solana', '2022-11-01', '2023-03-31', ['ftx']],
    ['usd-coin', '2022-11-01', '2023-03-31', ['usdc-depeg']],
    // The shaded span of Terra/LUNA is 2022-05-09T12:00 … 2022-05-14T12:00.
    ['terra-luna', '2022-05-14T12:00:00Z', '2022-06-30', ['terra-luna']],
    ['terra-luna', '2022-05-14T12:00:00.001Z', '2022-06-30', []],
    ['terra-luna', '2022-04-01', '2022-05-09T12:00:00Z', ['terra-luna']],
    ['terra-luna', '2022-04-01', '2022-05-09T11:59:59.999Z', []],
  ] as const)('%s from %s to %s: %j', (asset, from, to, ids) => {
    const at = (d: string) => Date.parse(d.includes('T') ? d : `${d}T00:00:00Z`);
    expect(chartEvents(asset, at(from), at(to)).map((e) => e.id)).toEqual(ids);
  });

  it('shades from half a day before the first row holding the move to half a day after the last', () => {
    const [terra] = chartEvents('terra-luna', Date.UTC(2022, 0, 1), Date.UTC(2023, 0, 1));
    expect(terra).toEqual({
      id: 'terra-luna',
      name: 'Terra/LUNA collapse',
      fact: 'LUNA fell from 64 USD to 0.0001 USD in five days after UST lost its peg.',
      days: '2022-05-09 … 2022-05-13',
      from: Date.UTC(2022, 4, 10) - 12 * H,
      to: Date.UTC(2022, 4, 14) + 12 * H,
    });
  });

  it('names a one-day event by its day and selects nothing for a NaN period', () => {
    const oneDay: MarketEvent = Object.freeze({
      id: 'x',
      name: 'X',
      from: '2021-01-02',
      to: '2021-01-02',
      assets: 'all',
      fact: 'f',
    });
    expect(chartEvents('any', Date.UTC(2021, 0, 1), Date.UTC(2021, 0, 5), [oneDay])).toMatchObject([
      { days: '2021-01-02', from: Date.UTC(2021, 0, 3) - 12 * H, to: Date.UTC(2021, 0, 3) + 12 * H },
    ]);
    expect(chartEvents('any', Number.NaN, Number.NaN, [oneDay])).toEqual([]);
  });
});
