/** A real market event: what happened, when (UTC calendar days, inclusive) and to which assets. */
export interface MarketEvent {
  readonly id: string;
  readonly name: string;
  /** First UTC day of the event, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last UTC day of the event, `YYYY-MM-DD` (inclusive). */
  readonly to: string;
  /** CoinGecko ids of the assets at the centre of the event; `'all'` for market-wide crashes. */
  readonly assets: readonly string[] | 'all';
  /** One line of fact, with the move as seen in the data. */
  readonly fact: string;
}

/**
 * Known events in the bundled sample and the risk-score history.
 *
 * Dates are the days the market moved. CoinGecko snapshots are taken at 00:00
 * UTC, so a document stamped day D holds the close of day D-1: an event on
 * day D shows in the rows of D+1 (see {@link eventRowDays}).
 */
export const MARKET_EVENTS: readonly MarketEvent[] = [
  {
    id: 'covid-crash',
    name: 'COVID crash ("Black Thursday")',
    from: '2020-03-12',
    to: '2020-03-12',
    assets: 'all',
    fact: 'Bitcoin fell 35% in one day (7,936 → 5,143 USD); the whole market followed.',
  },
  {
    id: 'may-2021-sell-off',
    name: 'May 2021 sell-off',
    from: '2021-05-19',
    to: '2021-05-19',
    assets: 'all',
    fact: 'Bitcoin -13.5%, Ethereum -27%, Dogecoin -30% on the day; volume doubled.',
  },
  {
    id: 'terra-luna',
    name: 'Terra/LUNA collapse',
    from: '2022-05-09',
    to: '2022-05-13',
    assets: ['terra-luna'],
    fact: 'LUNA fell from 64 USD to 0.0001 USD in five days after UST lost its peg.',
  },
  {
    id: 'ftx',
    name: 'FTX collapse',
    from: '2022-11-08',
    to: '2022-11-10',
    assets: ['ftx-token', 'solana'],
    fact: 'FTT fell 75% then 60% on consecutive days; SOL -42% as FTX-held positions were sold.',
  },
  {
    id: 'usdc-depeg',
    name: 'USDC depeg',
    from: '2023-03-11',
    to: '2023-03-11',
    assets: ['usd-coin'],
    fact: 'USDC traded at 0.966 USD after Circle disclosed reserves at Silicon Valley Bank.',
  },
];

/** The longest snapshot lag, in days, that events may be shifted by: ten years (the CLI allows as much). */
export const MAX_LAG_DAYS = 3650;

/**
 * Thrown for a lag that is not a whole number of days from 0 to {@link MAX_LAG_DAYS}.
 *
 * @example
 * try { eventRowDays(event, 1e9); } catch (e) { if (e instanceof InvalidLagError) console.error(e.message); }
 */
export class InvalidLagError extends Error {
  override readonly name = 'InvalidLagError';
}

/**
 * Whether `lagDays` is a lag events can be shifted by: a whole number of days
 * from 0 to {@link MAX_LAG_DAYS}, so every shifted day is a valid date.
 *
 * Complexity: O(1).
 *
 * @example
 * isValidLag(1);   // true
 * isValidLag(1e9); // false
 */
export function isValidLag(lagDays: number): boolean {
  return Number.isInteger(lagDays) && lagDays >= 0 && lagDays <= MAX_LAG_DAYS;
}

/**
 * The document days (`YYYY-MM-DD`) that hold an event's market moves in
 * 00:00-UTC snapshot data: each event day shifted by `lagDays`.
 *
 * @param event - the event
 * @param lagDays - snapshot lag; 1 for CoinGecko daily rows @default 1
 * @returns the days, ascending
 * @throws {@link InvalidLagError} unless {@link isValidLag}
 *
 * Complexity: O(event length in days).
 *
 * @example
 * eventRowDays(MARKET_EVENTS[2]!); // ['2022-05-10', …, '2022-05-14']
 */
export function eventRowDays(event: MarketEvent, lagDays = 1): string[] {
  if (!isValidLag(lagDays)) {
    throw new InvalidLagError(`a lag of ${lagDays} days is not a whole number from 0 to ${MAX_LAG_DAYS}`);
  }
  const days: string[] = [];
  const end = Date.parse(`${event.to}T00:00:00Z`);
  for (let t = Date.parse(`${event.from}T00:00:00Z`); t <= end; t += 86_400_000) {
    days.push(new Date(t + lagDays * 86_400_000).toISOString().slice(0, 10));
  }
  return days;
}
