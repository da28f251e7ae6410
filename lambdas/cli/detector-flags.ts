import {
  assertDetectorOptions,
  Closed,
  DEFAULT_TIMEFRAMES,
  type DetectorOptions,
  InvalidOptionsError,
  Mode,
} from '../core/detector-options.ts';
import { numberFlag, numberList, oneOf, timeFlag } from './args.ts';
import { UsageError } from './command.ts';

/** The `parseFlags` definitions of the detector's flags, shared by `detect` and `report`. */
export const DETECTOR_FLAGS = {
  mode: { type: 'string' },
  'as-of': { type: 'string' },
  closed: { type: 'string' },
  timeframes: { type: 'string' },
  'deviation-limit': { type: 'string' },
  'min-samples': { type: 'string' },
  'min-relative-iqr': { type: 'string' },
} as const;

/** Parsed values of {@link DETECTOR_FLAGS}. */
export interface DetectorFlagValues {
  readonly mode?: string;
  readonly 'as-of'?: string;
  readonly closed?: string;
  readonly timeframes?: string;
  readonly 'deviation-limit'?: string;
  readonly 'min-samples'?: string;
  readonly 'min-relative-iqr'?: string;
}

/** The detector's settings from the command line, validated. */
export interface DetectorSettings extends DetectorOptions {
  readonly mode: Mode;
  /** Window mode: end of every window, exclusive, epoch ms; `undefined` = the command's default. */
  readonly asOf: number | undefined;
  /** Rolling mode only. */
  readonly closed: Closed;
  readonly minRelativeIqr: number;
}

/** What a command chooses when a flag is absent. */
export interface DetectorFlagDefaults {
  readonly mode: Mode;
  /** Called only when `--deviation-limit` is absent (detect reads an environment variable then). */
  readonly deviationLimit: () => number;
}

/**
 * Parses and validates the detector's flags: mode, `--as-of` (window mode only),
 * `--closed` (rolling mode only), timeframes, deviation limit, minimum samples
 * and the opt-in IQR floor.
 *
 * @throws {@link UsageError} for a bad value, a flag of the other mode, or options out of range
 * @example
 * parseDetectorFlags({ timeframes: '7' }, { mode: 'window', deviationLimit: () => 1.5 }).timeframes; // [7]
 */
export function parseDetectorFlags(v: DetectorFlagValues, defaults: DetectorFlagDefaults): DetectorSettings {
  const mode = oneOf('--mode', v.mode ?? defaults.mode, Object.values(Mode));
  if (mode === Mode.Window && v.closed !== undefined)
    throw new UsageError('--closed applies to --mode rolling');
  if (mode === Mode.Rolling && v['as-of'] !== undefined)
    throw new UsageError('--as-of applies to --mode window');
  return validDetectorOptions({
    mode,
    asOf: timeFlag('--as-of', v['as-of']),
    closed: oneOf('--closed', v.closed ?? Closed.Left, Object.values(Closed)),
    timeframes:
      v.timeframes === undefined ? [...DEFAULT_TIMEFRAMES] : numberList('--timeframes', v.timeframes),
    deviationLimit:
      v['deviation-limit'] === undefined
        ? defaults.deviationLimit()
        : numberFlag('--deviation-limit', v['deviation-limit']),
    minSamples: v['min-samples'] === undefined ? 1 : numberFlag('--min-samples', v['min-samples']),
    minRelativeIqr:
      v['min-relative-iqr'] === undefined ? 0 : numberFlag('--min-relative-iqr', v['min-relative-iqr']),
  });
}

/**
 * `assertDetectorOptions` for the command line: an option out of range is a usage error (exit 2).
 *
 * @throws {@link UsageError} naming the option and its range
 * @example
 * validDetectorOptions({ timeframes: [7], deviationLimit: 3, minSamples: 1 });
 */
export function validDetectorOptions<T extends DetectorOptions>(options: T): T {
  try {
    return assertDetectorOptions(options);
  } catch (e) {
    if (e instanceof InvalidOptionsError) throw new UsageError(e.message);
    throw e;
  }
}
