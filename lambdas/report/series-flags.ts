import { nameList, numberFlag } from '../cli/args.ts';
import { type CliIo, InputError, UsageError, write } from '../cli/command.ts';
import { DEFAULT_METRICS } from '../core/detector-options.ts';
import type { FieldMapping } from '../core/document-reader.ts';
import type { SeriesSet } from '../core/series.ts';
import { InvalidTimestampError, parseIsoTimestamp } from '../core/timestamp.ts';
import { isInputFormat } from '../loaders/input-format.ts';
import { formatProblem } from '../loaders/input-problem.ts';
import { loadSeries } from '../loaders/load-series.ts';

/** The `parseFlags` definitions of the flags that choose the input and its series. */
export const SERIES_FLAGS = {
  input: { type: 'string', short: 'i' },
  'input-format': { type: 'string' },
  assets: { type: 'string' },
  metrics: { type: 'string' },
  'asset-field': { type: 'string', default: 'coin_id' },
  'time-field': { type: 'string', default: 'timestamp' },
} as const;

/** Usage lines of {@link SERIES_FLAGS}. */
export const SERIES_FLAGS_USAGE = `  -i, --input FILE       NDJSON (mongoexport), JSON array or CSV; '-' for stdin (required)
  --input-format F       ndjson | json | csv (default: from the extension, or sniffed)
  --assets a,b           only these assets, in this order (default: all)
  --metrics m,n          metric fields (default: the seven of the original service)
  --asset-field PATH     asset field (default coin_id)
  --time-field PATH      time field (default timestamp)
`;

/** Parsed values of {@link SERIES_FLAGS}. */
export interface SeriesFlagValues {
  readonly input?: string;
  readonly 'input-format'?: string;
  readonly assets?: string;
  readonly metrics?: string;
  readonly 'asset-field'?: string;
  readonly 'time-field'?: string;
}

/** The input's series, narrowed to the wanted assets. */
export interface LoadedSeries {
  readonly set: SeriesSet;
  readonly documents: number;
  readonly input: string;
}

/**
 * Loads the series chosen by {@link SERIES_FLAGS} with `loadSeries`, reports
 * skipped lines on stderr (count and the first five), and keeps only the
 * `--assets` given, in that order.
 *
 * @param values - parsed flags
 * @param io - streams and working directory
 * @returns the series, the number of documents read and the input's name
 * @throws {@link UsageError} without `--input` or with a bad `--input-format`
 * @throws {@link InputError} for a missing file, or `--assets` naming assets without data
 *
 * Complexity: that of `loadSeries`.
 *
 * @example
 * const { set } = await loadSelectedSeries(values, io);
 */
export async function loadSelectedSeries(values: SeriesFlagValues, io: CliIo): Promise<LoadedSeries> {
  const input = values.input;
  if (input === undefined) throw new UsageError('--input FILE is required');
  const format = values['input-format'];
  if (format !== undefined && !isInputFormat(format)) {
    throw new UsageError(`--input-format: '${format}' is not one of ndjson, json, csv`);
  }
  const mapping: FieldMapping = {
    assetField: values['asset-field'] ?? 'coin_id',
    timeField: values['time-field'] ?? 'timestamp',
    metrics: values.metrics === undefined ? [...DEFAULT_METRICS] : nameList(values.metrics),
  };
  if (mapping.metrics.length === 0) throw new UsageError('--metrics: at least one metric is needed');
  const loaded = await loadSeries(input, mapping, { cwd: io.cwd, stdin: io.stdin, format });
  if (loaded.problems.length > 0) {
    const shown = loaded.problems.slice(0, 5).map((p) => `  ${formatProblem(p)}\n`);
    await write(
      io.stderr,
      `warning: skipped ${loaded.problems.length} line(s) or document(s):\n${shown.join('')}`,
    );
  }
  if (values.assets === undefined) return { set: loaded.set, documents: loaded.documents, input };
  const wanted = nameList(values.assets);
  const byName = new Map(loaded.set.series.map((s) => [s.asset, s]));
  const missing = wanted.filter((a) => !byName.has(a));
  if (missing.length > 0) throw new InputError(`no data for asset(s) ${missing.join(', ')} in ${input}`);
  const series = [...new Set(wanted)].map((a) => byName.get(a)!);
  return { set: { ...loaded.set, series }, documents: loaded.documents, input };
}

/**
 * Parses an optional ISO-8601 time flag.
 *
 * @throws {@link UsageError} naming the flag
 * @example
 * timeFlag('--from', '2022-04-01'); // 1648771200000
 */
export function timeFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseIsoTimestamp(text);
  } catch (e) {
    if (e instanceof InvalidTimestampError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

/**
 * Parses an optional integer flag with a lower bound.
 *
 * @throws {@link UsageError} naming the flag
 * @example
 * integerFlag('--max-charts', '80', 1); // 80
 */
export function integerFlag(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = numberFlag(flag, text);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${flag}: '${text}' is not an integer >= ${min}`);
  return v;
}
