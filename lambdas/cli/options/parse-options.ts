import { UsageError } from '../command.ts';
import { type CommandSpec, type OptionSpec, type OptionValues, specOptions } from './option-spec.ts';
import { suggest } from './suggest.ts';

/** What the arguments of one command ask for. */
export interface ParsedArgs<S extends CommandSpec> {
  /** `--help` or `-h` was given: nothing else is checked. */
  readonly help: boolean;
  readonly values: OptionValues<S>;
  /** The positional argument, for a spec that takes one. */
  readonly positional: string | undefined;
}

/**
 * Parses the arguments of one command against its option table.
 *
 * - `--name value`, `--name=value`, `-s value`, `-svalue`; an option that takes
 *   a value takes the next argument whatever it looks like, so
 *   `--deviation-limit -1` works without `=`;
 * - an option given twice (under either spelling) is refused, not silently overridden;
 * - an unknown option, a value outside `choices` or a stray argument is
 *   refused with a "did you mean" hint when one is close;
 * - `--help`/`-h` anywhere (outside a value) wins over every other check.
 *
 * @param spec - the command's table
 * @param argv - the arguments after the command name
 * @returns the values keyed by long name (`undefined`/`false` when absent)
 * @throws {@link UsageError} with a one-line message naming the argument
 *
 * Complexity: O(arguments · options), plus the hint's edit distances on an error.
 *
 * @example
 * parseOptions(DETECT_SPEC, ['-i', 'docs.ndjson', '--deviation-limit', '3']).values['deviation-limit']; // '3'
 */
export function parseOptions<S extends CommandSpec>(spec: S, argv: readonly string[]): ParsedArgs<S> {
  const options = specOptions(spec);
  const byLong = new Map(options.map((o) => [o.name, o]));
  const byShort = new Map(options.filter((o) => o.short !== undefined).map((o) => [o.short!, o]));
  const values = new Map<string, string | boolean>();
  let positional: string | undefined;
  let error: UsageError | undefined;
  const fail = (message: string) => {
    error ??= new UsageError(message);
  };
  const take = (option: OptionSpec, spelled: string, inline: string | undefined, i: number): number => {
    if (values.has(option.name)) fail(`--${option.name} given twice; give it once`);
    if (option.arg === undefined) {
      if (inline !== undefined) fail(`${spelled} takes no value`);
      values.set(option.name, true);
      return i;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined) {
      fail(`${spelled} needs a value (${option.arg})`);
      return i;
    }
    if (option.choices && !option.choices.includes(value)) fail(notAChoice(spelled, value, option.choices));
    values.set(option.name, value);
    return inline === undefined ? i + 1 : i;
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--help' || token === '-h')
      return { help: true, values: {} as OptionValues<S>, positional };
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = token.slice(2, eq < 0 ? undefined : eq);
      const option = byLong.get(name);
      if (option === undefined) fail(unknownOption(`--${name}`, name, [...byLong.keys()], '--'));
      else i = take(option, `--${name}`, eq < 0 ? undefined : token.slice(eq + 1), i);
    } else if (token.length > 1 && token.startsWith('-')) {
      const option = byShort.get(token[1]!);
      const inline = token.length > 2 ? token.slice(2).replace(/^=/, '') : undefined;
      if (option === undefined) fail(unknownOption(token, token.slice(1), [...byLong.keys()], '--'));
      else i = take(option, `-${token[1]}`, inline, i);
    } else if (spec.positional && positional === undefined) {
      positional = token;
      if (!spec.positional.choices.includes(token))
        fail(notAChoice(spec.positional.name, token, spec.positional.choices));
    } else {
      fail(`unexpected argument '${token}'`);
    }
  }
  if (error) throw error;
  const missing = options.find((o) => o.required && !values.has(o.name));
  if (missing) fail(`--${missing.name}${missing.arg === undefined ? '' : ` ${missing.arg}`} is required`);
  if (spec.positional && positional === undefined)
    fail(`which ${spec.positional.name}? one of ${spec.positional.choices.join(', ')}`);
  if (error) throw error;
  const result: Record<string, string | boolean | undefined> = {};
  for (const o of options) result[o.name] = values.get(o.name) ?? (o.arg === undefined ? false : undefined);
  return { help: false, values: result as OptionValues<S>, positional };
}

function unknownOption(spelled: string, word: string, names: readonly string[], prefix: string): string {
  const hint = suggest(word, names);
  return `unknown option '${spelled}'${hint === undefined ? '' : `; did you mean ${prefix}${hint}?`}`;
}

/**
 * The message for a value outside a fixed set, with a hint when one is close.
 *
 * @example
 * notAChoice('--mode', 'windw', ['window', 'rolling']);
 * // "--mode: 'windw' is not one of window, rolling; did you mean window?"
 */
export function notAChoice(what: string, value: string, choices: readonly string[]): string {
  const hint = suggest(value, choices);
  return `${what}: '${value}' is not one of ${choices.join(', ')}${hint === undefined ? '' : `; did you mean ${hint}?`}`;
}
