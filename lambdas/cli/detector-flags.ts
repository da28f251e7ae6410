import type { ServiceConfig } from '../config/service-config.ts';
import {
  assertDetectorOptions,
  Closed,
  type DetectorOptions,
  InvalidOptionsError,
  Mode,
} from '../core/detector-options.ts';
import { numberFlag, timeFlag } from './args.ts';
import { UsageError } from './command.ts';
import type { OptionListValues } from './options/option-spec.ts';
import type { DETECTOR_OPTIONS } from './specs/shared-options.ts';

/** Parsed values of the detector's options (`DETECTOR_OPTIONS`). */
export type DetectorFlagValues = Partial<OptionListValues<typeof DETECTOR_OPTIONS>>;

/** The detector's settings from the command line, validated. */
export interface DetectorSettings extends DetectorOptions {
  readonly mode: Mode;
  /** Window mode: end of every window, exclusive, epoch ms; `undefined` = the command's default. */
  readonly asOf: number | undefined;
  /** Rolling mode only. */
  readonly closed: Closed;
  readonly minRelativeIqr: number;
}

/**
 * The detector's settings of `detect` and `report`: mode (window unless
 * `--mode`), `--as-of` (window mode only), `--closed` (rolling mode only),
 * the opt-in IQR floor, and timeframes, deviation limit and minimum samples
 * from the command's configuration (the service's environment with the
 * options in its place; see `commandConfig`).
 *
 * @param v - parsed option values (choices of `--mode`/`--closed` already checked)
 * @param config - the command's configuration
 * @throws {@link UsageError} for a bad value, an option of the other mode, or options out of range
 *
 * Complexity: O(timeframes).
 *
 * @example
 * parseDetectorFlags({ mode: 'rolling' }, loadServiceConfig({ TIMEFRAMES: '7' })).timeframes; // [7]
 */
export function parseDetectorFlags(v: DetectorFlagValues, config: ServiceConfig): DetectorSettings {
  const mode = (v.mode ?? Mode.Window) as Mode;
  if (mode === Mode.Window && v.closed !== undefined)
    throw new UsageError('--closed applies to --mode rolling');
  if (mode === Mode.Rolling && v['as-of'] !== undefined)
    throw new UsageError('--as-of applies to --mode window');
  return validDetectorOptions({
    mode,
    asOf: timeFlag('--as-of', v['as-of']),
    closed: (v.closed ?? Closed.Left) as Closed,
    timeframes: config.timeframes,
    deviationLimit: config.deviationLimit,
    minSamples: config.minSamples,
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
