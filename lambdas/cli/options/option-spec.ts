/**
 * One option of a command, as its table states it. The same entry drives
 * parsing, `--help`, shell completion and the README's reference table, so
 * none of them can drift from the others.
 */
export interface OptionSpec {
  /** Long name without the dashes (`deviation-limit`). */
  readonly name: string;
  /** One-letter alias without the dash (`i`). */
  readonly short?: string;
  /** Placeholder of the value (`FILE`); absent for a switch that takes no value. */
  readonly arg?: string;
  /** What the option does, one sentence or two; wrapped to the terminal width in help. */
  readonly help: string;
  /** The default as people should read it (`3,7,30`, `newest observation + 1 ms`). */
  readonly defaultText?: string;
  /** Environment variable that supplies the default when the option is absent. */
  readonly env?: string;
  /** The only values accepted (checked while parsing, offered by completion). */
  readonly choices?: readonly string[];
  /** The value is a path: completion offers file names. */
  readonly file?: true;
  /** Shown as "required" and checked while parsing. */
  readonly required?: true;
}

/** A titled group of options (`Input`, `Detection`, `Output`) in help and in the README. */
export interface OptionGroup {
  readonly title: string;
  readonly options: readonly OptionSpec[];
}

/** A positional argument (only `completion SHELL` has one). */
export interface PositionalSpec {
  readonly name: string;
  readonly choices: readonly string[];
}

/** Everything the command line knows about one `riskfence <name>` command, without loading it. */
export interface CommandSpec {
  readonly name: string;
  /** One line for `riskfence --help`. */
  readonly summary: string;
  /** What follows `riskfence <name>` on the usage line (`--input FILE [options]`). */
  readonly synopsis: string;
  /** Paragraphs printed between the usage line and the options, separated by blank lines. */
  readonly description: string;
  readonly groups: readonly OptionGroup[];
  readonly positional?: PositionalSpec;
  /** The text after "Exit status:" (`0 success, 1 input error, 2 usage error`). */
  readonly exitStatus: string;
}

/**
 * Parsed values of a list of options, typed from the list: a string (or
 * `undefined` when absent) for an option that takes a value, a boolean for a
 * switch. Keys are the long names.
 *
 * @example
 * type V = OptionListValues<typeof INPUT_OPTIONS>; // { input: string | undefined; ... }
 */
export type OptionListValues<L extends readonly OptionSpec[]> = {
  readonly [O in L[number] as O['name']]: O extends { readonly arg: string } ? string | undefined : boolean;
};

/**
 * Parsed option values of a whole spec (see {@link OptionListValues}).
 *
 * @example
 * type V = OptionValues<typeof DETECT_SPEC>; // { input: string | undefined; ... }
 */
export type OptionValues<S extends CommandSpec> = OptionListValues<S['groups'][number]['options']>;

/**
 * Every option of a spec, in table order.
 *
 * Complexity: O(options).
 *
 * @example
 * specOptions(DETECT_SPEC).map((o) => o.name); // ['input', 'input-format', ...]
 */
export function specOptions(spec: CommandSpec): OptionSpec[] {
  return spec.groups.flatMap((g) => g.options);
}

/** Choice lists up to this long are shown in place of the placeholder (`--mode window|rolling`). */
const MAX_INLINE_CHOICES = 20;

/**
 * How an option's value is written: its choices (`window|rolling`) when they
 * are short, else its placeholder; `''` for a switch.
 *
 * @example
 * optionArg({ name: 'mode', arg: 'MODE', choices: ['window', 'rolling'], help: '' }); // 'window|rolling'
 */
export function optionArg(option: OptionSpec): string {
  if (option.arg === undefined) return '';
  const inline = option.choices?.join('|');
  return inline !== undefined && inline.length <= MAX_INLINE_CHOICES ? inline : option.arg;
}

/**
 * How an option is written in help and tables: `-i, --input FILE`, `--keep`.
 *
 * @example
 * optionLabel({ name: 'input', short: 'i', arg: 'FILE', help: '' }); // '-i, --input FILE'
 */
export function optionLabel(option: OptionSpec): string {
  const arg = optionArg(option);
  const long = `--${option.name}${arg === '' ? '' : ` ${arg}`}`;
  return option.short === undefined ? long : `-${option.short}, ${long}`;
}

/**
 * The default of an option as one phrase (`$QUANTILE_DEVIATION_LIMIT, else 1.5`),
 * or `undefined` when it has none.
 *
 * @example
 * defaultPhrase({ name: 'k', arg: 'K', help: '', env: 'K', defaultText: '1.5' }); // '$K, else 1.5'
 */
export function defaultPhrase(option: OptionSpec): string | undefined {
  if (option.env === undefined) return option.defaultText;
  return option.defaultText === undefined ? `$${option.env}` : `$${option.env}, else ${option.defaultText}`;
}
