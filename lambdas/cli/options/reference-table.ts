import { type CommandSpec, defaultPhrase, type OptionSpec, optionLabel, specOptions } from './option-spec.ts';

/**
 * Marks the start of a command's generated table in the README (an HTML comment: invisible when rendered).
 *
 * @example
 * tableStart('detect'); // '<!-- options of riskfence detect: generated from its option table -->'
 */
export function tableStart(name: string): string {
  return `<!-- options of riskfence ${name}: generated from its option table -->`;
}

/** Marks the end of a command's generated table in the README. */
export const TABLE_END = '<!-- end of options -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function defaultCell(option: OptionSpec): string {
  if (option.required) return 'required';
  const phrase = defaultPhrase(option);
  if (phrase === undefined) return '—';
  return option.env === undefined
    ? cell(phrase)
    : cell(phrase).replace(`$${option.env}`, `\`$${option.env}\``);
}

/**
 * The README's reference table of one command, from its option table: every
 * option (`--help` aside) with its meaning and default, between the markers
 * {@link tableStart} and {@link TABLE_END}. A test compares the README with
 * it, so the two cannot drift.
 *
 * Complexity: O(options).
 *
 * @example
 * referenceTable(DEMO_SPEC);
 * // '<!-- options of riskfence demo: ... -->\n| option | meaning | default |\n|---|---|---|\n| `--keep` | ... | — |\n<!-- end of options -->'
 */
export function referenceTable(spec: CommandSpec): string {
  const rows = specOptions(spec).map(
    (o) => `| \`${cell(optionLabel(o))}\` | ${cell(o.help)} | ${defaultCell(o)} |`,
  );
  if (spec.positional) {
    rows.unshift(
      `| \`${spec.positional.choices.join('|').replace(/\|/g, '\\|')}\` | the ${spec.positional.name} | required |`,
    );
  }
  return [tableStart(spec.name), '| option | meaning | default |', '|---|---|---|', ...rows, TABLE_END].join(
    '\n',
  );
}
