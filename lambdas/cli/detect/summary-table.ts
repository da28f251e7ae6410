import { timeframeKey } from '../../core/document-flags.ts';
import { escapeControl } from '../../core/quote-input.ts';
import { formatIso } from '../../core/timestamp.ts';
import type { DetectorSettings } from '../detector-flags.ts';
import type { DetectTally } from './detect-tally.ts';
import type { FlagRow } from './flag-row.ts';

/** Everything the human summary of a detect run shows. */
export interface DetectSummary extends DetectorSettings {
  readonly metrics: readonly string[];
  /** The input as the user named it (a file, or `database.collection`). */
  readonly input: string;
  /** `ndjson`, `json`, `csv` or `mongodb`. */
  readonly format: string;
  readonly documents: number;
  readonly observations: number;
  readonly assets: number;
  /** Skipped lines and documents. */
  readonly skipped: number;
  readonly badValues: Readonly<Record<string, number>>;
  readonly tally: DetectTally;
  /** Rows shown at most; 0 = all. */
  readonly limit: number;
}

const COLUMNS = ['asset', 'metric', 'tf', 'timestamp', 'value', 'dir', 'score', 'lower', 'upper'] as const;
const RIGHT_ALIGNED = new Set(['value', 'score', 'lower', 'upper']);

/**
 * Renders `riskfence detect --format table`: the run's parameters and counts
 * (documents, assets, skipped lines, bad values per metric, insufficient-data
 * windows, flags per timeframe), then the most severe flags, score descending,
 * IQR-0 flags (no score) last and marked.
 *
 * @param s - the run's summary
 * @returns text ending in a newline
 *
 * Complexity: O(rows shown + metrics).
 *
 * @example
 * await write(io.stdout, renderSummaryTable(summary));
 */
export function renderSummaryTable(s: DetectSummary): string {
  const t = s.tally;
  const out: string[] = [];
  const where =
    s.mode === 'window'
      ? `as of ${formatIso(s.asOf ?? 0)} (windows end just before it)`
      : `closed ${s.closed}`;
  out.push(`riskfence detect: ${s.mode} mode, ${where}`);
  out.push(
    `  k ${s.deviationLimit}, min samples ${s.minSamples}, timeframes ${s.timeframes.join(',')} days, ` +
      count(s.metrics.length, 'metric') +
      (s.minRelativeIqr > 0 ? `, IQR floor ${s.minRelativeIqr} x |median|` : ''),
  );
  out.push(
    `input: ${s.input} (${s.format}): ${count(s.documents, 'document')}, ${count(s.assets, 'asset')}, ` +
      `${count(s.observations, 'observation')}, ${count(s.skipped, 'skipped line')}`,
  );
  const bad = s.metrics.filter((m) => (s.badValues[m] ?? 0) > 0);
  out.push(
    bad.length === 0
      ? 'bad values: none'
      : `bad values (missing or non-numeric, skipped): ${bad.map((m) => `${m} ${s.badValues[m]}`).join(', ')}`,
  );
  const unit = s.mode === 'window' ? 'windows' : 'points';
  out.push(`insufficient data: ${t.insufficient} of ${t.judged} ${unit} without fences`);
  const byTimeframe = [...t.flagsByTimeframe].map(([tf, n]) => `${timeframeKey(tf)} ${n}`).join(', ');
  out.push(`flags: ${t.flags} (${byTimeframe})`);
  const few = [...t.largestWindow].filter(([tf, n]) => n <= 3 && t.flagsByTimeframe.get(tf) === 0);
  if (few.length > 0 && s.deviationLimit >= 1) {
    // Newcomers read "d3 0" on daily data as a bug: three values can never leave their own fences.
    const keys = few.map(([tf]) => timeframeKey(tf)).join(', ');
    out.push(
      `note: ${keys}: at most 3 values per window (daily data?); with 3 values and k >= 1 no value can fall ` +
        'outside the fences. Try --mode rolling or a longer timeframe.',
    );
  }
  const rows = t.top();
  if (rows.length === 0) return `${out.join('\n')}\n`;
  out.push('');
  const shown = rows.length < t.flags ? `the ${rows.length} most severe of ${t.flags}` : `all ${t.flags}`;
  out.push(`flagged values, ${shown}, by score (IQR units beyond the fence):`);
  // Appended line by line: `--limit 0` can list every flag, far more than a spread call takes.
  for (const line of alignColumns([[...COLUMNS], ...rows.map(cells)])) out.push(line);
  if (rows.some((r) => r.score === null)) {
    out.push('* IQR 0: every value different from the quartiles is outside the fences; no score.');
  }
  if (rows.length < t.flags) out.push('(--limit 0 shows all; --format ndjson lists every flag)');
  return `${out.join('\n')}\n`;
}

function cells(r: FlagRow): string[] {
  // Asset names are data: a name holding an escape sequence must not reach the terminal raw.
  return [
    escapeControl(r.asset),
    r.metric,
    timeframeKey(r.timeframe),
    formatIso(r.time),
    formatNumber(r.value),
    r.direction,
    r.score === null ? 'IQR 0*' : r.score.toFixed(2),
    formatNumber(r.lower),
    formatNumber(r.upper),
  ];
}

function alignColumns(table: string[][]): string[] {
  const widths = COLUMNS.map((_, c) => table.reduce((width, row) => Math.max(width, row[c]!.length), 0));
  return table.map((row) =>
    row
      .map((cell, c) =>
        RIGHT_ALIGNED.has(COLUMNS[c]!) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** Six significant digits, without exponent for ordinary magnitudes. */
function formatNumber(v: number): string {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e15 || abs < 1e-6)) return v.toExponential(5);
  return String(Number(v.toPrecision(6)));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
