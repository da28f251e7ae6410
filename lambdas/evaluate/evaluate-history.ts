import { UsageError } from '../cli/command.ts';
import { Closed, DAY_MS, Mode } from '../core/detector-options.ts';
import { DirectionCode, fenceSide } from '../core/fences.ts';
import { detectRolling, type RollingResult } from '../core/rolling-detector.ts';
import type { SeriesSet } from '../core/series.ts';
import { eventRowDays, isValidLag, MAX_LAG_DAYS, type MarketEvent } from '../events/market-events.ts';
import { dailyWindowVerdicts, type PointVerdicts } from './daily-window-verdicts.ts';

/** What to evaluate: every combination of mode, `k`, IQR floor and timeframe. */
export interface EvaluationOptions {
  readonly events: readonly MarketEvent[];
  readonly modes: readonly Mode[];
  readonly deviationLimits: readonly number[];
  /** IQR floors to try; 0 = off (pandas-exact). */
  readonly minRelativeIqrs: readonly number[];
  readonly timeframes: readonly number[];
  readonly minSamples: number;
  /** Days between an event and the rows that show it (CoinGecko 00:00 UTC snapshots: 1), 0 to 3650. @default 1 */
  readonly lagDays?: number;
}

/** Counts for one metric (or for any metric) under one configuration. */
export interface Tally {
  /** Event (asset, day) pairs with a value to judge. */
  eventPairs: number;
  /** Of those, pairs with at least one flagged point that day. */
  eventFlagged: number;
  /** Observations with a value on all other asset-days. */
  otherPoints: number;
  /** Of those, flagged observations (the false-alarm proxy). */
  otherFlagged: number;
  /** All flags, event days included. */
  flags: number;
  /** Flags judged against a window whose Q3 − Q1 was 0. */
  iqrZeroFlags: number;
}

/** One configuration's results. */
export interface EvaluationRow {
  readonly mode: Mode;
  readonly deviationLimit: number;
  readonly minRelativeIqr: number;
  readonly timeframe: number;
  readonly metrics: Readonly<Record<string, Tally>>;
  /** A pair or observation counts as flagged when any metric is flagged. */
  readonly any: Tally;
  /** Per event: its pairs and how many were flagged on any metric. */
  readonly events: Readonly<Record<string, { pairs: number; flagged: number }>>;
}

/** Results of {@link evaluateHistory}. */
export interface Evaluation {
  readonly observations: number;
  readonly assets: number;
  readonly metrics: readonly string[];
  /** Each event with its row days and the number of (asset, day) pairs with data. */
  readonly events: readonly { id: string; name: string; rowDays: string[]; pairs: number }[];
  readonly rows: readonly EvaluationRow[];
}

/**
 * Measures the detector on real market events: for every mode, `k`, IQR
 * floor and timeframe, the share of event (asset, day) pairs flagged per
 * metric, the flag rate on every other observation (a false-alarm proxy),
 * and how many flags come from windows with IQR 0.
 *
 * - Event pairs: each event's row days (`eventRowDays`, shifted by `lagDays`)
 *   × its assets, or every asset with data that day for market-wide events.
 *   Pairs without an observation are not pairs.
 * - Rolling mode: `closed: 'left'`, each point against its own trailing
 *   window without itself — no look-ahead.
 * - Window mode: replayed daily (see `dailyWindowVerdicts`): asOf = D + 1 day,
 *   only the points of day D judged.
 *
 * @param set - the history; not modified
 * @param options - the grid of configurations and the events
 * @returns one row per mode × k × floor × timeframe, in that nesting order
 * @throws `UsageError` (`--lag-days: …`) for a lag that is not a whole number of days from 0 to 3650
 *
 * Complexity: rolling O(n log n) per series per (k, floor); window O(n · w log w)
 * per series, shared by all (k, floor).
 *
 * @example
 * evaluateHistory(set, { events: MARKET_EVENTS, modes: ['rolling'], deviationLimits: [1.5],
 *   minRelativeIqrs: [0], timeframes: [7], minSamples: 1 });
 */
export function evaluateHistory(set: SeriesSet, options: EvaluationOptions): Evaluation {
  const lagDays = options.lagDays ?? 1;
  if (!isValidLag(lagDays)) {
    throw new UsageError(`--lag-days: ${lagDays} is not a whole number of days from 0 to ${MAX_LAG_DAYS}`);
  }
  const calendar = eventCalendar(set, options.events, lagDays);
  const guards = options.deviationLimits.flatMap((deviationLimit) =>
    options.minRelativeIqrs.map((minRelativeIqr) => ({ deviationLimit, minRelativeIqr })),
  );
  const rows: EvaluationRow[] = [];
  for (const mode of options.modes) {
    const tallies = guards.map((g) =>
      options.timeframes.map((timeframe) => new RowTally(set, calendar, { mode, ...g, timeframe })),
    );
    const add = (c: number, s: number, m: number, timeframe: number, v: PointVerdicts) =>
      tallies[c]![options.timeframes.indexOf(timeframe)]!.add(s, m, v);
    if (mode === Mode.Rolling) {
      const index = new Map(set.series.map((s, i) => [s, i]));
      // Quartiles do not depend on k: one pass per IQR floor, then each k judged from the same fences.
      options.minRelativeIqrs.forEach((minRelativeIqr, g) => {
        const rolling = {
          deviationLimit: options.deviationLimits[0]!,
          minRelativeIqr,
          timeframes: options.timeframes,
          minSamples: options.minSamples,
          closed: Closed.Left,
        };
        for (const r of detectRolling(set, rolling)) {
          options.deviationLimits.forEach((k, d) => {
            add(
              d * options.minRelativeIqrs.length + g,
              index.get(r.series)!,
              r.metricIndex,
              r.timeframe,
              rejudge(r, k),
            );
          });
        }
      });
    } else {
      set.series.forEach((series, s) => {
        for (const timeframe of options.timeframes) {
          for (let m = 0; m < set.metrics.length; m++) {
            dailyWindowVerdicts(series, m, timeframe, guards, options.minSamples).forEach((v, c) => {
              add(c, s, m, timeframe, v);
            });
          }
        }
      });
    }
    for (const perGuard of tallies) for (const t of perGuard) rows.push(t.row());
  }
  return {
    observations: set.observations,
    assets: set.series.length,
    metrics: set.metrics,
    events: options.events.map((e) => ({
      id: e.id,
      name: e.name,
      rowDays: eventRowDays(e, lagDays),
      pairs: calendar.pairsOf.get(e.id) ?? 0,
    })),
    rows,
  };
}

/** A rolling result's points judged again with deviation limit `k`, from the same quartiles and (floored) IQR. */
function rejudge(r: RollingResult, k: number): PointVerdicts {
  const n = r.direction.length;
  const values = r.series.values[r.metricIndex]!;
  const direction = new Int8Array(n);
  const iqrZero = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const iqr = r.iqr[i]!;
    if (Number.isNaN(iqr)) continue;
    const q1 = r.q1[i]!;
    const q3 = r.q3[i]!;
    const side = fenceSide(values[i]!, { q1, q3, iqr, lower: q1 - k * iqr, upper: q3 + k * iqr });
    if (side === DirectionCode.None) continue;
    direction[i] = side;
    if (q3 - q1 === 0) iqrZero[i] = 1;
  }
  return { direction, iqrZero };
}

/** Which points of each series fall on an event (asset, day) pair, and of which events. */
interface EventCalendar {
  /** Per series, per point: the pair key (`day`) when the point is on an event pair, else -1. */
  readonly eventDay: readonly Float64Array[];
  /** Per series: event day → ids of the events on that pair. */
  readonly eventsOn: readonly Map<number, string[]>[];
  readonly pairsOf: Map<string, number>;
}

function eventCalendar(set: SeriesSet, events: readonly MarketEvent[], lagDays: number): EventCalendar {
  const eventsOn = set.series.map(() => new Map<number, string[]>());
  const pairsOf = new Map<string, number>();
  const days = set.series.map((s) => new Set(Array.from(s.times, (t) => Math.floor(t / DAY_MS))));
  for (const e of events) {
    for (const day of eventRowDays(e, lagDays).map((d) => Date.parse(`${d}T00:00:00Z`) / DAY_MS)) {
      set.series.forEach((s, i) => {
        if (e.assets !== 'all' && !e.assets.includes(s.asset)) return;
        if (!days[i]!.has(day)) return;
        eventsOn[i]!.set(day, [...(eventsOn[i]!.get(day) ?? []), e.id]);
        pairsOf.set(e.id, (pairsOf.get(e.id) ?? 0) + 1);
      });
    }
  }
  const eventDay = set.series.map((s, i) =>
    Float64Array.from(s.times, (t) => {
      const day = Math.floor(t / DAY_MS);
      return eventsOn[i]!.has(day) ? day : -1;
    }),
  );
  return { eventDay, eventsOn, pairsOf };
}

function emptyTally(): Tally {
  return { eventPairs: 0, eventFlagged: 0, otherPoints: 0, otherFlagged: 0, flags: 0, iqrZeroFlags: 0 };
}

type RowConfig = Pick<EvaluationRow, 'mode' | 'deviationLimit' | 'minRelativeIqr' | 'timeframe'>;

/** Accumulates one configuration's counts over every series and metric. */
class RowTally {
  readonly #set: SeriesSet;
  readonly #calendar: EventCalendar;
  readonly #config: RowConfig;
  readonly #metrics: Tally[];
  readonly #any = emptyTally();
  /** Per series, per point: flagged on any metric. */
  readonly #anyFlag: Uint8Array[];

  constructor(set: SeriesSet, calendar: EventCalendar, config: RowConfig) {
    this.#set = set;
    this.#calendar = calendar;
    this.#config = config;
    this.#metrics = set.metrics.map(emptyTally);
    this.#anyFlag = set.series.map((s) => new Uint8Array(s.times.length));
  }

  add(seriesIndex: number, metricIndex: number, v: PointVerdicts): void {
    const values = this.#set.series[seriesIndex]!.values[metricIndex]!;
    const eventDay = this.#calendar.eventDay[seriesIndex]!;
    const anyFlag = this.#anyFlag[seriesIndex]!;
    const t = this.#metrics[metricIndex]!;
    const flaggedPairs = new Set<number>();
    const pairs = new Set<number>();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) continue;
      const flagged = v.direction[i] !== 0;
      if (flagged) {
        t.flags++;
        t.iqrZeroFlags += v.iqrZero[i]!;
        anyFlag[i] = 1;
      }
      const day = eventDay[i]!;
      if (day >= 0) {
        pairs.add(day);
        if (flagged) flaggedPairs.add(day);
      } else {
        t.otherPoints++;
        if (flagged) t.otherFlagged++;
      }
    }
    t.eventPairs += pairs.size;
    t.eventFlagged += flaggedPairs.size;
  }

  row(): EvaluationRow {
    const events: Record<string, { pairs: number; flagged: number }> = {};
    const any = this.#any;
    for (const t of this.#metrics) {
      any.flags += t.flags;
      any.iqrZeroFlags += t.iqrZeroFlags;
    }
    this.#set.series.forEach((s, i) => {
      const eventDay = this.#calendar.eventDay[i]!;
      const flaggedDays = new Set<number>();
      for (let p = 0; p < s.times.length; p++) {
        const day = eventDay[p]!;
        if (day < 0) {
          any.otherPoints++;
          any.otherFlagged += this.#anyFlag[i]![p]!;
        } else if (this.#anyFlag[i]![p]) flaggedDays.add(day);
      }
      for (const [day, ids] of this.#calendar.eventsOn[i]!) {
        any.eventPairs++;
        if (flaggedDays.has(day)) any.eventFlagged++;
        for (const id of ids) {
          const e = events[id] ?? { pairs: 0, flagged: 0 };
          e.pairs++;
          if (flaggedDays.has(day)) e.flagged++;
          events[id] = e;
        }
      }
    });
    const metrics: Record<string, Tally> = {};
    this.#set.metrics.forEach((m, i) => {
      metrics[m] = this.#metrics[i]!;
    });
    return { ...this.#config, metrics, any, events };
  }
}
