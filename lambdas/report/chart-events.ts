import { DAY_MS } from '../core/detector-options.ts';
import { eventRowDays, MARKET_EVENTS, type MarketEvent } from '../events/market-events.ts';

/** A known market event as a chart shades it. */
export interface ChartEvent {
  readonly id: string;
  readonly name: string;
  readonly fact: string;
  /** Calendar days of the event, `YYYY-MM-DD … YYYY-MM-DD` (or one day). */
  readonly days: string;
  /** Shaded span, epoch ms: from half a day before the first row holding the move to half a day after the last. */
  readonly from: number;
  readonly to: number;
}

/**
 * The known market events to shade on one asset's charts: those about the
 * asset or the whole market whose rows fall in the shown period.
 *
 * The shading covers the document rows that hold the move, not the calendar
 * days: 00:00-UTC snapshots hold the previous day's close (see
 * {@link eventRowDays}), so on daily data the shaded band is centred on
 * exactly the rows of the event.
 *
 * @param asset - the chart's asset (CoinGecko id)
 * @param from - first shown time, epoch ms (inclusive)
 * @param to - last shown time, epoch ms (inclusive); NaN bounds select nothing
 * @param events - the catalogue @default MARKET_EVENTS
 * @returns events in catalogue (time) order
 *
 * Complexity: O(events × event days).
 *
 * @example
 * chartEvents('terra-luna', Date.UTC(2022, 3, 1), Date.UTC(2022, 5, 30))[0]?.name; // 'Terra/LUNA collapse'
 */
export function chartEvents(
  asset: string,
  from: number,
  to: number,
  events: readonly MarketEvent[] = MARKET_EVENTS,
): ChartEvent[] {
  const shown: ChartEvent[] = [];
  for (const event of events) {
    if (event.assets !== 'all' && !event.assets.includes(asset)) continue;
    const rows = eventRowDays(event);
    const first = Date.parse(`${rows[0]}T00:00:00Z`) - DAY_MS / 2;
    const last = Date.parse(`${rows[rows.length - 1]}T00:00:00Z`) + DAY_MS / 2;
    if (!(last >= from && first <= to)) continue;
    shown.push({
      id: event.id,
      name: event.name,
      fact: event.fact,
      days: event.from === event.to ? event.from : `${event.from} … ${event.to}`,
      from: first,
      to: last,
    });
  }
  return shown;
}
