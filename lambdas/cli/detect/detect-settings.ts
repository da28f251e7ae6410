import {
  DEFAULT_DEVIATION_LIMIT,
  DEFAULT_METRICS,
  DEFAULT_TIMEFRAMES,
  Mode,
} from '../../core/detector-options.ts';
import type { InputFormat } from '../../loaders/input-format.ts';
import { numberFlag, oneOf, parseFlags } from '../args.ts';
import { InputError, UsageError } from '../command.ts';
import { DETECTOR_FLAGS, type DetectorSettings, parseDetectorFlags } from '../detector-flags.ts';
import { inputFormatFlag, metricsFlag } from '../series-flags.ts';

/** How `riskfence detect` prints its results. */
export const OutputFormat = { Table: 'table', Json: 'json', Ndjson: 'ndjson' } as const;
/** `'table'` (human summary), `'json'` (the golden report shape) or `'ndjson'` (one line per flag). */
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** Everything one `riskfence detect` run needs, validated. */
export interface DetectSettings extends DetectorSettings {
  /** Path or `-` (stdin). */
  readonly input: string;
  /** Explicit input format; otherwise from the extension or the content. */
  readonly inputFormat: InputFormat | undefined;
  readonly metrics: readonly string[];
  readonly assetField: string;
  readonly timeField: string;
  readonly format: OutputFormat;
  /** Where flag updates go as NDJSON for `mongoimport --mode merge`. */
  readonly out: string | undefined;
  /** Root field of the flag sub-documents in `--out`. */
  readonly anomaliesField: string;
  /** Table rows to show; 0 = all. */
  readonly limit: number;
}

/** The environment variable the original service read `k` from; `--deviation-limit` wins over it. */
export const DEVIATION_LIMIT_ENV = 'QUANTILE_DEVIATION_LIMIT';

/** Usage text of `riskfence detect`. */
export const DETECT_USAGE = `Usage: riskfence detect --input FILE [options]

Flags values outside Tukey IQR fences (Q1 - k*IQR, Q3 + k*IQR; R-7 quartiles, as pandas).

Input:
  -i, --input FILE            NDJSON (mongoexport, Extended JSON), JSON array or CSV; '-' reads stdin
  --input-format FMT          ndjson | json | csv (default: from the extension, else from the content)
  --asset-field PATH          asset field, dotted paths allowed (default coin_id)
  --time-field PATH           time field: ISO string, {"$date": ...} or epoch ms (default timestamp)
  --metrics A,B,...           metric fields (default ${DEFAULT_METRICS.join(',')})
                              CSV has no types: empty cells are missing, numeric-looking cells numbers,
                              anything else a string (counted as a bad value)
Detection:
  --mode window|rolling       window: one window [asOf - T, asOf) per timeframe (default)
                              rolling: every point against its own trailing window (no look-ahead)
  --as-of ISO                 window end, exclusive (default: newest observation + 1 ms)
  --closed left|right         rolling window [t - T, t) or (t - T, t] (default left)
  --timeframes 3,7,30         window lengths in days (default ${DEFAULT_TIMEFRAMES.join(',')})
  --deviation-limit K         Tukey's k (default $${DEVIATION_LIMIT_ENV} or ${DEFAULT_DEVIATION_LIMIT})
  --min-samples N             fewest values a window needs for fences (default 1)
  --min-relative-iqr R        opt-in IQR floor R*|median| (default 0 = off, pandas-exact)
Output:
  --format table|json|ndjson  table: summary by severity (default); json: full report;
                              ndjson: one line per flagged value
  --limit N                   table rows to show (default 50; 0 = all)
  --out FILE                  write flags per document as NDJSON for mongoimport --mode merge
  --anomalies-field NAME      root field of the flags in --out (default anomalies)

Exit status: 0 success, 1 input error, 2 usage error. Skipped lines are reported on stderr as file:line.
`;

const FLAGS = {
  ...DETECTOR_FLAGS,
  input: { type: 'string', short: 'i' },
  'input-format': { type: 'string' },
  metrics: { type: 'string' },
  'asset-field': { type: 'string' },
  'time-field': { type: 'string' },
  format: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'anomalies-field': { type: 'string' },
} as const;

/**
 * Parses and validates the arguments of `riskfence detect`.
 *
 * Defaults: window mode, timeframes 3,7,30, `k` from `QUANTILE_DEVIATION_LIMIT`
 * or 1.5, min samples 1, the seven metrics, `coin_id`/`timestamp`, table output.
 *
 * @param argv - arguments after `detect`
 * @param env - environment (only `QUANTILE_DEVIATION_LIMIT` is read)
 * @returns the validated settings
 * @throws `UsageError` for bad or conflicting flags; `InputError` for a bad `QUANTILE_DEVIATION_LIMIT`
 *
 * @example
 * parseDetectSettings(['--input', 'docs.ndjson', '--timeframes', '7'], {}).timeframes; // [7]
 */
export function parseDetectSettings(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DetectSettings {
  const { values: v } = parseFlags(argv, FLAGS);
  if (v.input === undefined || v.input === '') throw new UsageError('--input FILE is required');
  const detector = parseDetectorFlags(v, { mode: Mode.Window, deviationLimit: () => envDeviationLimit(env) });
  const metrics = metricsFlag(v.metrics);
  const limit = v.limit === undefined ? 50 : numberFlag('--limit', v.limit);
  if (!(Number.isInteger(limit) && limit >= 0))
    throw new UsageError(`--limit: ${limit} is not an integer >= 0`);
  return {
    ...detector,
    input: v.input,
    inputFormat: inputFormatFlag(v['input-format']),
    metrics,
    assetField: nonEmpty('--asset-field', v['asset-field'] ?? 'coin_id'),
    timeField: nonEmpty('--time-field', v['time-field'] ?? 'timestamp'),
    format: oneOf('--format', v.format ?? OutputFormat.Table, Object.values(OutputFormat)),
    out: v.out === undefined ? undefined : nonEmpty('--out', v.out),
    anomaliesField: nonEmpty('--anomalies-field', v['anomalies-field'] ?? 'anomalies'),
    limit,
  };
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${flag}: empty value`);
  return value;
}

function envDeviationLimit(env: Readonly<Record<string, string | undefined>>): number {
  const text = env[DEVIATION_LIMIT_ENV];
  if (text === undefined || text.trim() === '') return DEFAULT_DEVIATION_LIMIT;
  const k = Number(text);
  if (!(Number.isFinite(k) && k > 0 && k <= 100)) {
    throw new InputError(`${DEVIATION_LIMIT_ENV}='${text}' is not a number in (0, 100]`);
  }
  return k;
}
