import { DEFAULT_METRICS } from '../core/detector-options.ts';
import type { FieldMapping } from '../core/document-reader.ts';
import type { SeriesSet } from '../core/series.ts';
import { type InputFormat, isInputFormat } from '../loaders/input-format.ts';
import { formatProblem } from '../loaders/input-problem.ts';
import { loadSeries } from '../loaders/load-series.ts';
import { nameList } from './args.ts';
import { type CliIo, InputError, UsageError, write } from './command.ts';

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
  if (input === undefined || input === '') throw new UsageError('--input FILE is required');
  const format = inputFormatFlag(values['input-format']);
  const mapping: FieldMapping = {
    assetField: values['asset-field'] ?? 'coin_id',
    timeField: values['time-field'] ?? 'timestamp',
    metrics: metricsFlag(values.metrics),
  };
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
 * Parses `--input-format`.
 *
 * @returns the format, or `undefined` to take it from the extension or the content
 * @throws {@link UsageError} for anything but ndjson, json or csv
 * @example
 * inputFormatFlag('csv'); // 'csv'
 */
export function inputFormatFlag(text: string | undefined): InputFormat | undefined {
  if (text === undefined || isInputFormat(text)) return text;
  throw new UsageError(`--input-format: '${text}' is not one of ndjson, json, csv`);
}

/**
 * Parses `--metrics` (comma-separated field paths).
 *
 * @returns the metrics; the seven of the original service when the flag is absent
 * @throws {@link UsageError} when the list is empty
 * @example
 * metricsFlag('volume, latest_price'); // ['volume', 'latest_price']
 */
export function metricsFlag(text: string | undefined): string[] {
  const metrics = text === undefined ? [...DEFAULT_METRICS] : nameList(text);
  if (metrics.length === 0) throw new UsageError('--metrics: at least one metric is needed');
  return metrics;
}
