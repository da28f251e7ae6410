import type { Evaluation, EvaluationRow, Tally } from './evaluate-history.ts';

/** Short column headings for the seven default metrics; other metrics are shown by name. */
const SHORT: Readonly<Record<string, string>> = {
  latest_price: 'price',
  market_cap_score: 'mcap_sc',
  liquidity_risk_score: 'liq_sc',
  volatility_risk_score: 'vol_sc',
  volume: 'volume',
  market_cap: 'mcap',
  volatility_index: 'vol_idx',
};

/** The three measures of the report, each a table with one row per configuration. */
const MEASURES = [
  {
    title: 'Event asset-days flagged (% of event (asset, day) pairs; higher = events caught)',
    share: (t: Tally): [number, number] => [t.eventFlagged, t.eventPairs],
  },
  {
    title: 'Flag rate on all other asset-days (% of observations; the false-alarm proxy, lower = quieter)',
    share: (t: Tally): [number, number] => [t.otherFlagged, t.otherPoints],
  },
  {
    title: 'Flags from IQR-0 windows (% of all flags)',
    share: (t: Tally): [number, number] => [t.iqrZeroFlags, t.flags],
  },
] as const;

/**
 * Formats an evaluation as plain-text tables: the events and their pairs,
 * then one table per measure (events caught, false-alarm proxy, IQR-0 share)
 * with a row per mode × k × IQR floor × timeframe and a column per metric
 * plus "any" (flagged on at least one metric).
 *
 * @param evaluation - the results of `evaluateHistory`
 * @returns the text, ending with a newline
 *
 * Complexity: O(rows × metrics).
 *
 * @example
 * await write(io.stdout, evaluationTable(evaluateHistory(set, options)));
 */
export function evaluationTable(evaluation: Evaluation): string {
  const pairs = evaluation.events.reduce((s, e) => s + e.pairs, 0);
  const lines = [
    `${evaluation.observations} observations, ${evaluation.assets} assets, ${evaluation.events.length} events, ${pairs} event (asset, day) pairs:`,
    ...evaluation.events.map(
      (e) =>
        `  ${e.id.padEnd(18)} rows ${rangeOf(e.rowDays).padEnd(23)} ${String(e.pairs).padStart(3)} pairs  ${e.name}`,
    ),
  ];
  const columns = [...evaluation.metrics.map((m) => SHORT[m] ?? m), 'any'];
  const widths = columns.map((c) => Math.max(c.length, 6));
  const head = `${'mode'.padEnd(8)}${'k'.padStart(4)}${'guard'.padStart(7)}${'T'.padStart(4)}  ${columns.map((c, i) => c.padStart(widths[i]!)).join(' ')}`;
  for (const measure of MEASURES) {
    lines.push('', measure.title, head);
    for (const row of evaluation.rows) {
      const cells = [...evaluation.metrics.map((m) => row.metrics[m]!), row.any].map((t, i) => {
        const [part, whole] = measure.share(t);
        return percent(part, whole).padStart(widths[i]!);
      });
      lines.push(`${configLabel(row)}  ${cells.join(' ')}`);
    }
  }
  lines.push(
    '',
    'guard = --min-relative-iqr (IQR floored at guard × |median|; 0 = off, pandas-exact).',
    'rolling: closed left, no look-ahead; window: for each day D, asOf = D + 1 day, the points of D judged.',
  );
  return `${lines.join('\n')}\n`;
}

function configLabel(row: EvaluationRow): string {
  return `${row.mode.padEnd(8)}${String(row.deviationLimit).padStart(4)}${String(row.minRelativeIqr).padStart(7)}${String(row.timeframe).padStart(4)}`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : ((100 * part) / whole).toFixed(1);
}

function rangeOf(days: readonly string[]): string {
  return days.length === 1 ? days[0]! : `${days[0]}..${days[days.length - 1]}`;
}
