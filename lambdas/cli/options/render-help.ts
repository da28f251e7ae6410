import { type CommandSpec, defaultPhrase, type OptionSpec, optionLabel } from './option-spec.ts';

/** Widest help line, in columns. */
export const HELP_WIDTH = 100;

/** Labels longer than this get a line of their own, so one long option does not push every description right. */
const MAX_LABEL = 34;

/** The `--help` entry every command has; listed in help like any other option. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', help: 'show this help and exit' };

/**
 * Word-wraps text to a width, after a first-line prefix and with a hanging
 * indent. A word longer than the width is left whole on its own line.
 *
 * Complexity: O(text length).
 *
 * @example
 * wrap('a b c', 3, '', ''); // ['a b', 'c']
 */
export function wrap(text: string, width: number, first: string, indent: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * Wraps paragraphs separated by blank lines; a line starting with two spaces
 * (an example) is kept as written.
 *
 * @example
 * paragraphs('one two\n\n  riskfence detect -i x'); // 'one two\n\n  riskfence detect -i x'
 */
export function paragraphs(text: string, width = HELP_WIDTH): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => (p.startsWith('  ') ? p : wrap(p.replace(/\n/g, ' '), width, '', '').join('\n')))
    .join('\n\n');
}

/** The help text of one option: its sentence, then its default or "required". */
function optionText(option: OptionSpec): string {
  const phrase = defaultPhrase(option);
  const tail = option.required ? ' (required)' : phrase === undefined ? '' : ` (default: ${phrase})`;
  return `${option.help}${tail}`;
}

/**
 * The column where descriptions start for a list of options: after the
 * longest label (capped), two spaces of indent and two of gap.
 *
 * @example
 * labelColumn([{ name: 'keep', help: '' }]); // 10
 */
export function labelColumn(options: readonly OptionSpec[]): number {
  return 2 + Math.min(MAX_LABEL, Math.max(0, ...options.map((o) => helpLabel(o, options).length))) + 2;
}

/** An option's label in help: long-only options line up under the long names of those with a short one. */
function helpLabel(option: OptionSpec, all: readonly OptionSpec[]): string {
  const shifted = option.short === undefined && all.some((o) => o.short !== undefined);
  return `${shifted ? '    ' : ''}${optionLabel(option)}`;
}

/**
 * Lines of an option list: labels in one aligned column, descriptions
 * wrapped beside them, every line at most {@link HELP_WIDTH} columns (a
 * label too long for the column gets a line of its own). `all` is the whole
 * help's options, so that every group aligns the same way.
 *
 * Complexity: O(total text).
 *
 * @example
 * optionLines([{ name: 'keep', help: 'keep the store' }]); // ['  --keep  keep the store']
 */
export function optionLines(
  options: readonly OptionSpec[],
  column = labelColumn(options),
  all: readonly OptionSpec[] = options,
): string[] {
  const indent = ' '.repeat(column);
  return options.flatMap((option) => {
    const label = `  ${helpLabel(option, all)}`;
    const text = optionText(option);
    if (label.length + 2 > column) return [label, ...wrap(text, HELP_WIDTH, indent, indent)];
    return wrap(text, HELP_WIDTH, label.padEnd(column), indent);
  });
}

/**
 * The full `riskfence <name> --help` text of a command, from its table:
 * usage line, description, option groups (one label column for all of them)
 * with `--help` last, and the exit status.
 *
 * Complexity: O(total text).
 *
 * @example
 * renderCommandHelp(DETECT_SPEC).split('\n')[0]; // 'Usage: riskfence detect --input FILE [options]'
 */
export function renderCommandHelp(spec: CommandSpec): string {
  const groups = spec.groups.map((g, i) => ({
    title: g.title,
    options: i === spec.groups.length - 1 ? [...g.options, HELP_OPTION] : g.options,
  }));
  if (groups.length === 0) groups.push({ title: 'Options', options: [HELP_OPTION] });
  const all = groups.flatMap((g) => g.options);
  const column = labelColumn(all);
  const parts = [`Usage: riskfence ${spec.name} ${spec.synopsis}`];
  if (spec.description !== '') parts.push(paragraphs(spec.description));
  for (const g of groups) parts.push(`${g.title}:\n${optionLines(g.options, column, all).join('\n')}`);
  parts.push(wrap(`Exit status: ${spec.exitStatus}`, HELP_WIDTH, '', '  ').join('\n'));
  return `${parts.join('\n\n')}\n`;
}
