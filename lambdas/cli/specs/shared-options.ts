import { SERVICE_DEFAULTS } from '../../config/service-defaults.ts';
import { Closed, DEFAULT_DEVIATION_LIMIT, DEFAULT_TIMEFRAMES, Mode } from '../../core/detector-options.ts';
import { InputFormat } from '../../loaders/input-format.ts';
import { MAX_TIMEFRAME_DAYS } from '../../requests/request-limits.ts';
import type { OptionSpec } from '../options/option-spec.ts';

/** The connection string option, shared by every command that can talk to MongoDB. */
export const MONGODB_URI_OPTION = {
  name: 'mongodb-uri',
  arg: 'URI',
  help: 'read (and, for invoke, write) a MongoDB database instead of a file; never printed',
  env: 'MONGODB_URI',
} as const satisfies OptionSpec;

/** Database of the MongoDB path. */
export const DATABASE_OPTION = {
  name: 'database',
  arg: 'NAME',
  help: 'MongoDB database',
  env: 'MONGODB_DATABASE',
  defaultText: SERVICE_DEFAULTS.database,
} as const satisfies OptionSpec;

/** Collection of source documents on the MongoDB path. */
export const COLLECTION_OPTION = {
  name: 'collection',
  arg: 'NAME',
  help: 'collection of source documents',
  env: 'SOURCE_COLLECTION',
  defaultText: SERVICE_DEFAULTS.sourceCollection,
} as const satisfies OptionSpec;

/** Collection of run summaries on the MongoDB path. */
export const RUNS_COLLECTION_OPTION = {
  name: 'runs-collection',
  arg: 'NAME',
  help: 'collection of run summaries',
  env: 'RUNS_COLLECTION',
  defaultText: SERVICE_DEFAULTS.runsCollection,
} as const satisfies OptionSpec;

/** Field paths of the documents: the same environment variables as the Lambda's. */
export const FIELD_OPTIONS = [
  {
    name: 'asset-field',
    arg: 'PATH',
    help: 'asset field, dotted paths allowed',
    env: 'ASSET_FIELD',
    defaultText: SERVICE_DEFAULTS.assetField,
  },
  {
    name: 'time-field',
    arg: 'PATH',
    help: 'time field: ISO string, {"$date": ...}, a BSON date or epoch ms',
    env: 'TIME_FIELD',
    defaultText: SERVICE_DEFAULTS.timeField,
  },
  {
    name: 'metrics',
    arg: 'A,B',
    help: 'metric fields; a metric found in no document is warned about on stderr',
    env: 'METRICS',
    defaultText: 'the seven of the original service',
  },
] as const satisfies readonly OptionSpec[];

/** Where documents come from (a file or a MongoDB collection) and which series to keep. */
export const INPUT_OPTIONS = [
  {
    name: 'input',
    short: 'i',
    arg: 'FILE',
    help: "NDJSON (mongoexport, Extended JSON), JSON array or CSV; '-' reads stdin. Required unless --mongodb-uri",
    file: true,
  },
  {
    name: 'input-format',
    arg: 'FMT',
    help: 'format of --input',
    choices: Object.values(InputFormat),
    defaultText: 'from the extension, else from the content',
  },
  MONGODB_URI_OPTION,
  DATABASE_OPTION,
  COLLECTION_OPTION,
  { name: 'assets', arg: 'A,B', help: 'only these assets, in this order', defaultText: 'all' },
  ...FIELD_OPTIONS,
] as const satisfies readonly OptionSpec[];

/** Window length option; the service's limits (whole days, 1..365). */
export const TIMEFRAMES_OPTION = {
  name: 'timeframes',
  arg: 'T,T',
  help: `window lengths in whole days, 1..${MAX_TIMEFRAME_DAYS}`,
  env: 'TIMEFRAMES',
  defaultText: DEFAULT_TIMEFRAMES.join(','),
} as const satisfies OptionSpec;

/** Fewest values for fences. */
export const MIN_SAMPLES_OPTION = {
  name: 'min-samples',
  arg: 'N',
  help: 'fewest values a window needs for fences',
  env: 'MIN_SAMPLES',
  defaultText: String(SERVICE_DEFAULTS.minSamples),
} as const satisfies OptionSpec;

/** The detector's options, shared by `detect` and `report` (same names, defaults and environment). */
export const DETECTOR_OPTIONS = [
  {
    name: 'mode',
    arg: 'MODE',
    help: 'window: one window [asOf - T, asOf) per timeframe, every value in it judged (the service); rolling: every point against its own trailing window, no look-ahead',
    choices: Object.values(Mode),
    defaultText: Mode.Window,
  },
  {
    name: 'as-of',
    arg: 'ISO',
    help: 'window mode: end of every window, exclusive (no offset means UTC)',
    defaultText: 'newest observation + 1 ms',
  },
  {
    name: 'closed',
    arg: 'SIDE',
    help: "rolling mode: [t - T, t) or (t - T, t] (pandas' default)",
    choices: Object.values(Closed),
    defaultText: Closed.Left,
  },
  TIMEFRAMES_OPTION,
  {
    name: 'deviation-limit',
    arg: 'K',
    help: "Tukey's k, 0 < k <= 100",
    env: 'QUANTILE_DEVIATION_LIMIT',
    defaultText: String(DEFAULT_DEVIATION_LIMIT),
  },
  MIN_SAMPLES_OPTION,
  {
    name: 'min-relative-iqr',
    arg: 'R',
    help: 'opt-in IQR floor R·|median| against IQR-0 windows',
    defaultText: '0 = off, pandas-exact',
  },
] as const satisfies readonly OptionSpec[];

/** The Lambda's log levels, for `invoke`. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;

/** Exit status of commands whose only outcomes are success, bad input and bad usage. */
export const EXIT_STATUS = '0 success, 1 input error, 2 usage error.';
