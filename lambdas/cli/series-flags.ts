import type { ServiceConfig } from '../config/service-config.ts';
import type { FieldMapping } from '../core/document-reader.ts';
import { isPiecewise, piecesHaveValue, type SeriesSet, withPieces } from '../core/series.ts';
import type { InputFormat } from '../loaders/input-format.ts';
import { formatProblem, type InputProblem } from '../loaders/input-problem.ts';
import { type LoadSeriesOptions, type LoadSeriesResult, loadSeries } from '../loaders/load-series.ts';
import { sourceName } from '../loaders/text-source.ts';
import { nameList } from './args.ts';
import { type CliIo, InputError, UsageError, write } from './command.ts';
import type { Progress } from './detect/progress.ts';
import type { OptionListValues } from './options/option-spec.ts';
import type { INPUT_OPTIONS } from './specs/shared-options.ts';

/** Parsed values of the input options (`INPUT_OPTIONS`). */
export type InputValues = Partial<OptionListValues<typeof INPUT_OPTIONS>>;

/** Documents from a file (or stdin). */
export interface FileInput {
  readonly kind: 'file';
  /** Path or `-`. */
  readonly path: string;
  readonly format: InputFormat | undefined;
}

/** Documents from a MongoDB collection, read with the service's query and projection. */
export interface MongoInput {
  readonly kind: 'mongo';
  /** Connection string; never printed. */
  readonly uri: string;
}

/** Where a command's documents come from. */
export type DocumentInput = FileInput | MongoInput;

/**
 * Where documents come from: `--input` (a file or `-`), else `--mongodb-uri`
 * or `$MONGODB_URI` (database and collection from the command's configuration).
 *
 * @throws {@link UsageError} for both `--input` and `--mongodb-uri`, or neither source
 * @example
 * documentInput({ input: 'docs.ndjson' }, {}); // { kind: 'file', path: 'docs.ndjson', format: undefined }
 */
export function documentInput(values: InputValues, env: CliIo['env']): DocumentInput {
  if (values.input !== undefined && values['mongodb-uri'] !== undefined)
    throw new UsageError('give --input or --mongodb-uri, not both');
  if (values.input !== undefined) {
    if (values.input === '') throw new UsageError('--input: empty value');
    return { kind: 'file', path: values.input, format: values['input-format'] as InputFormat | undefined };
  }
  const uri = (values['mongodb-uri'] ?? env.MONGODB_URI)?.trim();
  if (!uri) throw new UsageError('--input FILE is required (or --mongodb-uri URI, or $MONGODB_URI)');
  return { kind: 'mongo', uri };
}

/** What the MongoDB path reads: a time range (epoch ms, `[from, to)`) of the wanted assets. */
export interface ReadRange {
  readonly from: number;
  readonly to: number;
}

/** Earliest and latest instants a JavaScript date holds: "no bound". */
export const ALL_TIME: ReadRange = Object.freeze({ from: -8.64e15, to: 8.64e15 });

/** A loaded input, with the name to show for it. */
export interface LoadedInput extends LoadSeriesResult {
  /** The file as named, or `database.collection` (never the URI). */
  readonly name: string;
  /** `ndjson`/`json`/`csv`, or `mongodb`. */
  readonly formatName: string;
}

/**
 * The name to show for an input: the file as named (`<stdin>` for `-`), or
 * `database.collection` (never the URI).
 *
 * @example
 * inputName({ kind: 'file', path: 'docs.ndjson', format: undefined }, config); // 'docs.ndjson'
 */
export function inputName(input: DocumentInput, config: ServiceConfig): string {
  return input.kind === 'file' ? sourceName(input.path) : `${config.database}.${config.sourceCollection}`;
}

/**
 * Loads the series of a command's input: a file through `loadSeries`, or a
 * MongoDB collection through the service's store (`--assets` and `range`
 * narrow the query there). Metrics, asset and time fields come from the
 * configuration (the service's environment, options in its place).
 *
 * @param input - where the documents are
 * @param config - the command's configuration
 * @param query - assets wanted (`undefined` = all) and, for MongoDB, the time range to read
 * @param options - loader options for files (progress, `_id`s, stdin, cwd)
 * @throws {@link InputError} for a missing file, or a server that cannot be read
 *
 * Complexity: that of `loadSeries`, or one `find` plus `seriesFromDocuments`.
 *
 * @example
 * const loaded = await loadInput(input, config, { assets: undefined, range: ALL_TIME }, { cwd });
 */
async function loadInput(
  input: DocumentInput,
  config: ServiceConfig,
  query: { readonly assets: readonly string[] | undefined; readonly range: ReadRange },
  options: LoadSeriesOptions,
): Promise<LoadedInput> {
  const mapping: FieldMapping = config.mapping;
  if (input.kind === 'file') {
    const loaded = await loadSeries(input.path, mapping, { ...options, format: input.format });
    return { ...loaded, name: inputName(input, config), formatName: loaded.format };
  }
  // Loaded here so that file commands never pay for the driver.
  const { readMongoSeries } = await import('./mongo-input.ts');
  return readMongoSeries(input.uri, config, query);
}

/** What {@link loadUsableSeries} gives: the loaded input, and its series after `--assets`. */
export interface UsableSeries {
  readonly loaded: LoadedInput;
  readonly set: SeriesSet;
}

/**
 * What every command that reads documents does first: loads the input
 * ({@link loadInput}), lists its skipped lines on stderr, refuses an input
 * without one usable document, keeps the `--assets` asked for and warns about
 * metrics no document holds a number for.
 *
 * @param io - streams; problems and warnings go to stderr
 * @param command - the command's name, which prefixes its stderr lines
 * @param input - where the documents are; `config`, `query` and `options` as {@link loadInput}
 * @param progress - shows the bytes read, and is cleared before anything else goes to stderr
 * @throws {@link InputError} for an input without usable documents or `--assets` without data
 *
 * @example
 * const { loaded, set } = await loadUsableSeries(io, 'report', input, config, { assets, range: ALL_TIME }, { cwd });
 */
export async function loadUsableSeries(
  io: CliIo,
  command: string,
  input: DocumentInput,
  config: ServiceConfig,
  query: { readonly assets: readonly string[] | undefined; readonly range: ReadRange },
  options: LoadSeriesOptions,
  progress?: Progress,
): Promise<UsableSeries> {
  const loaded = await loadInput(input, config, query, { ...options, onProgress: progress?.bytes });
  progress?.done();
  await reportProblems(io, command, loaded.problems);
  if (loaded.set.observations === 0) {
    const { assetField, timeField } = config.mapping;
    throw new InputError(
      `no usable documents in ${loaded.name} (${loaded.documents} read, ${loaded.problems.length} skipped; ` +
        `asset field '${assetField}', time field '${timeField}')`,
    );
  }
  const set = selectAssets(loaded.set, query.assets, loaded.name);
  await warnMetricsWithoutNumbers(io, command, set, loaded.name);
  return { loaded, set };
}

/**
 * Keeps only the `--assets` given, in that order (duplicates once).
 *
 * @throws {@link InputError} naming the assets without data
 * @example
 * selectAssets(set, ['bitcoin'], 'docs.ndjson').series.map((s) => s.asset); // ['bitcoin']
 */
function selectAssets(set: SeriesSet, assets: readonly string[] | undefined, name: string): SeriesSet {
  if (assets === undefined) return set;
  // Series still in pieces stay so: the selection is made among the pieces.
  if (isPiecewise(set)) return withPieces(set, pickAssets(set.pieces, assets, name));
  const { metrics, badValues, observations } = set;
  return { metrics, badValues, observations, series: pickAssets(set.series, assets, name) };
}

/** The items of `assets`, in that order (duplicates once); throws naming the assets without one. */
function pickAssets<T extends { readonly asset: string }>(
  items: readonly T[],
  assets: readonly string[],
  name: string,
): T[] {
  const byName = new Map(items.map((s) => [s.asset, s]));
  const missing = assets.filter((a) => !byName.has(a));
  if (missing.length > 0) throw new InputError(`no data for asset(s) ${missing.join(', ')} in ${name}`);
  return [...new Set(assets)].map((a) => byName.get(a)!);
}

/**
 * Parses `--assets` (comma-separated names).
 *
 * @throws {@link UsageError} when the list is empty
 * @example
 * assetsFlag('bitcoin, ethereum'); // ['bitcoin', 'ethereum']
 */
export function assetsFlag(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const assets = nameList(text);
  if (assets.length === 0) throw new UsageError('--assets: at least one asset is needed');
  return assets;
}

/** Skipped lines listed on stderr before the rest are only counted. */
const MAX_LISTED_PROBLEMS = 20;

/**
 * Reports skipped lines on stderr as `file:line: reason` (the first 20), then their count.
 *
 * @example
 * await reportProblems(io, 'detect', loaded.problems);
 */
async function reportProblems(io: CliIo, command: string, problems: readonly InputProblem[]): Promise<void> {
  if (problems.length === 0) return;
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `${formatProblem(p)}\n`);
  const more = problems.length - listed.length;
  await write(
    io.stderr,
    `${listed.join('')}${more > 0 ? `… and ${more} more\n` : ''}riskfence ${command}: skipped ${problems.length} ` +
      `line${problems.length === 1 ? '' : 's'}\n`,
  );
}

/**
 * Metrics of a series set with no numeric value in any document: a misspelt
 * `--metrics nope`, a field of another deployment, or a field that only ever
 * holds strings. (Missing and bad values are counted alike by the loaders, so
 * "absent" and "never numeric" are one case here.)
 *
 * Complexity: O(observations · metrics) in the worst case, stopping at the first number of each metric.
 *
 * @example
 * metricsWithoutNumbers(loadedSet); // ['nope']
 */
function metricsWithoutNumbers(set: SeriesSet): string[] {
  return set.metrics.filter((_, m) =>
    isPiecewise(set)
      ? !piecesHaveValue(set.pieces, set.metrics.length, m)
      : !set.series.some((s) => s.values[m]!.some((v) => !Number.isNaN(v))),
  );
}

/**
 * Warns on stderr, whatever the output format, about metrics with no numeric value in any document.
 *
 * @example
 * await warnMetricsWithoutNumbers(io, 'detect', set, 'docs.ndjson');
 */
async function warnMetricsWithoutNumbers(
  io: CliIo,
  command: string,
  set: SeriesSet,
  name: string,
): Promise<void> {
  const absent = metricsWithoutNumbers(set);
  if (absent.length === 0 || set.observations === 0) return;
  await write(
    io.stderr,
    `riskfence ${command}: warning: no document in ${name} has a numeric value for ` +
      `${absent.join(', ')} (check --metrics or METRICS)\n`,
  );
}
