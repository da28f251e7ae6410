/** The seven metrics of the original service, in its order. */
export const DEFAULT_METRICS = [
  'latest_price',
  'market_cap_score',
  'liquidity_risk_score',
  'volatility_risk_score',
  'volume',
  'market_cap',
  'volatility_index',
] as const;

/** Window lengths in days. */
export const DEFAULT_TIMEFRAMES = [3, 7, 30] as const;

/** Tukey's classic `k`; the original service's `QUANTILE_DEVIATION_LIMIT` default. */
export const DEFAULT_DEVIATION_LIMIT = 1.5;

/** Milliseconds in one day; timeframes are whole or fractional days. */
export const DAY_MS = 86_400_000;

/** How windows are placed. */
export const Mode = { Window: 'window', Rolling: 'rolling' } as const;
/** `'window'` or `'rolling'`. */
export type Mode = (typeof Mode)[keyof typeof Mode];

/** Which end of a rolling window is closed. */
export const Closed = { Left: 'left', Right: 'right' } as const;
/** `'left'` (`[t - T, t)`, no look-ahead, the point excluded) or `'right'` (`(t - T, t]`, pandas' default). */
export type Closed = (typeof Closed)[keyof typeof Closed];

/** Parameters shared by both modes. */
export interface DetectorOptions {
  /** Window lengths in days, each in (0, 365]. @default [3, 7, 30] */
  readonly timeframes: readonly number[];
  /** Tukey's `k`, in (0, 100]. @default 1.5 */
  readonly deviationLimit: number;
  /** Fewest finite values a window needs to get fences. @default 1 */
  readonly minSamples: number;
  /**
   * Opt-in IQR floor relative to the window's median (see `fencesOfRanks`).
   * @default 0 (off; results are pandas-exact)
   */
  readonly minRelativeIqr?: number;
}

/** Window-mode parameters: every window ends (exclusive) at `asOf`. */
export interface WindowOptions extends DetectorOptions {
  /** End of every window, epoch milliseconds, exclusive. */
  readonly asOf: number;
}

/** Rolling-mode parameters: each point has its own trailing window. */
export interface RollingOptions extends DetectorOptions {
  /** @default 'left' */
  readonly closed: Closed;
  /**
   * Epoch ms: points before it are history only — they fill the windows of later points but get no
   * fences or verdict of their own (a service run judging only new points). @default every point is judged
   */
  readonly judgeFrom?: number;
}

/** Thrown when detector parameters are out of range. */
export class InvalidOptionsError extends Error {
  override readonly name = 'InvalidOptionsError';
}

/**
 * Checks detector parameters, throwing on the first one out of range.
 *
 * @param options - the parameters
 * @returns the same object, for chaining
 * @throws {@link InvalidOptionsError} naming the parameter and the allowed range
 *
 * Complexity: O(number of timeframes).
 *
 * @example
 * assertDetectorOptions({ timeframes: [7], deviationLimit: 1.5, minSamples: 1 });
 */
export function assertDetectorOptions<T extends DetectorOptions>(options: T): T {
  const { timeframes, deviationLimit, minSamples, minRelativeIqr = 0 } = options;
  if (timeframes.length === 0) throw new InvalidOptionsError('timeframes: at least one is needed');
  for (const t of timeframes) {
    if (!(Number.isFinite(t) && t > 0 && t <= 365)) {
      throw new InvalidOptionsError(`timeframes: ${t} is not a number of days in (0, 365]`);
    }
  }
  if (new Set(timeframes).size !== timeframes.length) throw new InvalidOptionsError('timeframes: duplicates');
  if (!(Number.isFinite(deviationLimit) && deviationLimit > 0 && deviationLimit <= 100)) {
    throw new InvalidOptionsError(`deviationLimit: ${deviationLimit} is not in (0, 100]`);
  }
  if (!(Number.isInteger(minSamples) && minSamples >= 1)) {
    throw new InvalidOptionsError(`minSamples: ${minSamples} is not an integer >= 1`);
  }
  if (!(Number.isFinite(minRelativeIqr) && minRelativeIqr >= 0)) {
    throw new InvalidOptionsError(`minRelativeIqr: ${minRelativeIqr} is not a number >= 0`);
  }
  return options;
}
