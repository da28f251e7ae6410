import { InvalidTimestampError, parseIsoTimestamp } from '../core/timestamp.ts';
import { UsageError } from './command.ts';

/**
 * Parses a comma-separated list of positive numbers (`3,7,30`).
 *
 * @throws {@link UsageError} naming the flag and the bad item
 * @example
 * numberList('--timeframes', '3,7,30'); // [3, 7, 30]
 */
export function numberList(flag: string, text: string): number[] {
  const items = text.split(',').map((s) => s.trim());
  return items.map((s) => {
    const v = Number(s);
    if (s === '' || !Number.isFinite(v)) throw new UsageError(`${flag}: '${s}' is not a number`);
    return v;
  });
}

/**
 * Parses one finite number.
 *
 * @throws {@link UsageError} naming the flag
 * @example
 * numberFlag('--deviation-limit', '3'); // 3
 */
export function numberFlag(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${flag}: '${text}' is not a number`);
  return v;
}

/**
 * Parses a comma-separated list of names (`bitcoin,ethereum`), dropping empty items.
 *
 * @example
 * nameList('a, b,'); // ['a', 'b']
 */
export function nameList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Checks that a flag's value is one of a fixed set.
 *
 * @throws {@link UsageError} naming the flag and the allowed values
 * @example
 * oneOf('--mode', 'rolling', ['window', 'rolling']); // 'rolling'
 */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag}: '${value}' is not one of ${allowed.join(', ')}`);
}

/**
 * Parses an optional ISO-8601 time flag (no offset means UTC).
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
