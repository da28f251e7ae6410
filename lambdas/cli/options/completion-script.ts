import { type CommandSpec, type OptionSpec, specOptions } from './option-spec.ts';
import { HELP_OPTION } from './render-help.ts';

/** Longest option description zsh shows beside a completion; the rest is in `--help`. */
const ZSH_DESCRIPTION = 60;

/** Options of a command as completion offers them: the table's, then `--help`. */
function completable(spec: CommandSpec): OptionSpec[] {
  return [...specOptions(spec), HELP_OPTION];
}

function spellings(option: OptionSpec): string[] {
  return option.short === undefined ? [`--${option.name}`] : [`--${option.name}`, `-${option.short}`];
}

/**
 * A bash completion script for `riskfence`, generated from the command
 * tables: commands, each command's options, the choices of options that have
 * them, file names for path options, and the shells of `completion`.
 *
 * Complexity: O(total options).
 *
 * @example
 * bashCompletion(COMMAND_SPECS); // '# bash completion for riskfence ...'
 */
export function bashCompletion(specs: readonly CommandSpec[]): string {
  const names = specs.map((s) => s.name);
  const cases = specs.map((spec) => {
    const options = completable(spec);
    const values = options.flatMap((o) => {
      if (o.arg === undefined) return [];
      const what = o.choices
        ? `COMPREPLY=($(compgen -W "${o.choices.join(' ')}" -- "$cur"))`
        : o.file
          ? 'COMPREPLY=($(compgen -f -- "$cur"))'
          : 'COMPREPLY=()';
      return [`        ${spellings(o).join('|')}) ${what}; return ;;`];
    });
    const words = spec.positional ? spec.positional.choices.join(' ') : options.flatMap(spellings).join(' ');
    return [
      `    ${spec.name})`,
      ...(values.length > 0 ? ['      case "$prev" in', ...values, '      esac'] : []),
      `      COMPREPLY=($(compgen -W "${words}" -- "$cur")) ;;`,
    ].join('\n');
  });
  return `# bash completion for riskfence, generated from its option tables by \`riskfence completion bash\`.
# Use: source <(riskfence completion bash)
_riskfence() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${[...names, 'help', '--help', '--version'].join(' ')}" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
    help) [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "${names.join(' ')}" -- "$cur")) ;;
${cases.join('\n')}
  esac
}
complete -o filenames -F _riskfence riskfence
`;
}

/** Text safe inside a single-quoted zsh word and an `_arguments` description. */
function zshText(text: string): string {
  const short = text.length > ZSH_DESCRIPTION ? `${text.slice(0, ZSH_DESCRIPTION - 1)}…` : text;
  return short
    .replace(/\\/g, '\\\\')
    .replace(/[[\]:]/g, (c) => `\\${c}`)
    .replace(/'/g, `'\\''`);
}

function zshOption(option: OptionSpec): string {
  const description = `[${zshText(option.help)}]`;
  const action =
    option.arg === undefined
      ? ''
      : `:${zshText(option.arg)}:${option.choices ? `(${option.choices.join(' ')})` : option.file ? '_files' : ' '}`;
  if (option.short === undefined) return `'--${option.name}${description}${action}'`;
  const exclusive = `(-${option.short} --${option.name})`;
  return `'${exclusive}'{-${option.short},--${option.name}}'${description}${action}'`;
}

/**
 * A zsh completion script (`#compdef riskfence`) generated from the command
 * tables, with each option's description; it works both from `$fpath` and
 * when sourced.
 *
 * Complexity: O(total options).
 *
 * @example
 * zshCompletion(COMMAND_SPECS).startsWith('#compdef riskfence'); // true
 */
export function zshCompletion(specs: readonly CommandSpec[]): string {
  const commands = specs.map((s) => `    '${s.name}:${zshText(s.summary)}'`);
  const cases = specs.map((spec) => {
    const body = spec.positional
      ? `_values '${spec.positional.name}' ${spec.positional.choices.join(' ')}`
      : `_arguments -s \\\n        ${completable(spec).map(zshOption).join(' \\\n        ')}`;
    return `    ${spec.name})\n      ${body} ;;`;
  });
  return `#compdef riskfence
# zsh completion for riskfence, generated from its option tables by \`riskfence completion zsh\`.
_riskfence() {
  local -a commands
  commands=(
${commands.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'riskfence command' commands
    return
  fi
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  case $cmd in
    help) _describe -t commands 'riskfence command' commands ;;
${cases.join('\n')}
  esac
}
if [[ "\${funcstack[1]}" == _riskfence ]]; then _riskfence "$@"; else compdef _riskfence riskfence; fi
`;
}
