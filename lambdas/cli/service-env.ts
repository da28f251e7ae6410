import { ConfigError, loadServiceConfig, type ServiceConfig } from '../config/service-config.ts';
import { InputError, type RawValues, UsageError } from './command.ts';
import type { OptionSpec } from './options/option-spec.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Checks one option's value with the service's own rule for the environment
 * variable it stands for (`--timeframes` as `TIMEFRAMES`: whole days,
 * 1..365, no duplicates), so the command line and the Lambda accept the same
 * values.
 *
 * @param flag - the option as the user wrote it (`--timeframes`)
 * @param variable - the environment variable (`TIMEFRAMES`)
 * @param value - the option's value
 * @throws {@link UsageError} naming the option, in the service's words
 *
 * Complexity: that of `loadServiceConfig` on one variable.
 *
 * @example
 * checkAsServiceVariable('--timeframes', 'TIMEFRAMES', '1.5'); // throws "--timeframes '1.5': each ... whole number of days"
 */
export function checkAsServiceVariable(flag: string, variable: string, value: string): void {
  // The service reads an empty variable as unset; an empty option is a mistake, not a request for the default.
  if (value.trim() === '') throw new UsageError(`${flag}: empty value`);
  try {
    loadServiceConfig({ [variable]: value });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // "invalid configuration: TIMEFRAMES.1: each of TIMEFRAMES must be ..." → "each of --timeframes must be ..."
    const prefix = new RegExp(`^${variable}(\\.\\d+)?: (${variable} )?`);
    const reasons = e.message.replace(/^invalid configuration: /, '').split('; ');
    const reason = [...new Set(reasons.map((r) => r.replace(prefix, '').replaceAll(variable, flag)))].join(
      '; ',
    );
    throw new UsageError(`${flag} '${value}': ${reason}`);
  }
}

/**
 * The service configuration a command works with: the environment the
 * Lambda reads (METRICS, ASSET_FIELD, TIME_FIELD, TIMEFRAMES,
 * QUANTILE_DEVIATION_LIMIT, MIN_SAMPLES, MONGODB_DATABASE, ...), with every
 * option of the command's table that names one of those variables (`env`)
 * taking its place when given. So every command that reads documents has the
 * same defaults, and an option is validated by the same rules as the variable.
 *
 * @param options - the command's option table
 * @param values - the parsed values
 * @param env - the environment
 * @returns the validated configuration
 * @throws {@link UsageError} for an option the service would refuse
 * @throws {@link InputError} for an invalid environment variable (named in the message)
 *
 * Complexity: O(options + environment).
 *
 * @example
 * commandConfig(DETECT_SPEC_OPTIONS, { timeframes: '7' }, {}).timeframes; // [7]
 */
export function commandConfig(options: readonly OptionSpec[], values: RawValues, env: Env): ServiceConfig {
  const merged: Record<string, string | undefined> = { ...env };
  for (const o of options) {
    const value = values[o.name];
    if (o.env === undefined || typeof value !== 'string') continue;
    checkAsServiceVariable(`--${o.name}`, o.env, value);
    merged[o.env] = value;
  }
  try {
    return loadServiceConfig(merged);
  } catch (e) {
    if (e instanceof ConfigError) throw new InputError(e.message);
    throw e;
  }
}
