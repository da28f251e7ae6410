import type { CommandSpec } from '../options/option-spec.ts';
import { EXIT_STATUS } from './shared-options.ts';

/** Shells `riskfence completion` writes a script for. */
export const SHELLS = ['bash', 'zsh'] as const;

/** The option table of `riskfence completion`. */
export const COMPLETION_SPEC = {
  name: 'completion',
  summary: 'print a bash or zsh completion script, generated from the option tables',
  synopsis: 'bash|zsh',
  description: `Prints a completion script for commands, options and option values (choices, file names).

  bash:  source <(riskfence completion bash)      or add that line to ~/.bashrc
  zsh:   riskfence completion zsh > "\${fpath[1]}/_riskfence"   then restart zsh`,
  groups: [],
  positional: { name: 'shell', choices: SHELLS },
  exitStatus: EXIT_STATUS,
} as const satisfies CommandSpec;
