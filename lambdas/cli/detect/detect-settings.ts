import type { ServiceConfig } from '../../config/service-config.ts';
import { numberFlag } from '../args.ts';
import type { CliIo } from '../command.ts';
import { UsageError } from '../command.ts';
import { type DetectorSettings, parseDetectorFlags } from '../detector-flags.ts';
import { type OptionValues, specOptions } from '../options/option-spec.ts';
import { assetsFlag, type DocumentInput, documentInput } from '../series-flags.ts';
import { commandConfig } from '../service-env.ts';
import { DETECT_SPEC } from '../specs/detect-spec.ts';
import { DEFAULT_LIMIT, OutputFormat } from './output-format.ts';

// More threads than this only add start-up time on any machine the command runs on.
const MAX_THREADS = 64;

/** Everything one `riskfence detect` run needs, validated. */
export interface DetectSettings extends DetectorSettings {
  readonly input: DocumentInput;
  /** Metrics, fields, timeframes, `k`, min samples, database and collection (environment, options in its place). */
  readonly config: ServiceConfig;
  /** Only these assets, in this order; `undefined` = all. */
  readonly assets: readonly string[] | undefined;
  readonly format: OutputFormat;
  /** Where flag updates go as NDJSON for `mongoimport --mode merge`. */
  readonly out: string | undefined;
  /** Table rows to show; 0 = all. */
  readonly limit: number;
  /** Threads to parse and judge on, this one included; `undefined` = by input size. */
  readonly threads: number | undefined;
}

/**
 * Validates the parsed options of `riskfence detect`.
 *
 * Defaults are the service's: window mode, and the timeframes, deviation
 * limit, minimum samples, metrics, fields and flags field of the Lambda's
 * environment variables (TIMEFRAMES, QUANTILE_DEVIATION_LIMIT, MIN_SAMPLES,
 * METRICS, ASSET_FIELD, TIME_FIELD, ANOMALIES_FIELD), else 3,7,30, 1.5, 1,
 * the seven metrics, `coin_id`/`timestamp`, `anomalies`; table output.
 *
 * @param values - options parsed against `DETECT_SPEC`
 * @param env - the environment
 * @throws `UsageError` for bad or conflicting options; `InputError` for an invalid environment variable
 *
 * Complexity: O(options + environment).
 *
 * @example
 * parseDetectSettings({ ...parsed, timeframes: '7' }, {}).timeframes; // [7]
 */
export function parseDetectSettings(
  values: OptionValues<typeof DETECT_SPEC>,
  env: CliIo['env'],
): DetectSettings {
  const config = commandConfig(specOptions(DETECT_SPEC), values, env);
  const limit = values.limit === undefined ? DEFAULT_LIMIT : numberFlag('--limit', values.limit);
  if (!(Number.isInteger(limit) && limit >= 0))
    throw new UsageError(`--limit: ${limit} is not an integer >= 0`);
  if (values.out === '') throw new UsageError('--out: empty value');
  const threads = values.threads === undefined ? undefined : numberFlag('--threads', values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS))
    throw new UsageError(`--threads: ${threads} is not an integer from 1 to ${MAX_THREADS}`);
  return {
    ...parseDetectorFlags(values, config),
    input: documentInput(values, env),
    config,
    assets: assetsFlag(values.assets),
    format: (values.format ?? OutputFormat.Table) as OutputFormat,
    out: values.out,
    limit,
    threads,
  };
}
