import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` in strict mode, with its errors turned into {@link UsageError}
 * so that every command reports bad flags the same way (exit 2).
 *
 * @example
 * const { values } = parseFlags(argv, { input: { type: 'string', short: 'i' } });
 */
export function parseFlags<const O extends Options>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

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
