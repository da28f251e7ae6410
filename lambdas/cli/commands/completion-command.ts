import { defineCommand, ExitCode, write } from '../command.ts';
import { bashCompletion, zshCompletion } from '../options/completion-script.ts';
import { COMMAND_SPECS } from '../specs/command-specs.ts';
import { COMPLETION_SPEC } from '../specs/completion-spec.ts';

/**
 * `riskfence completion bash|zsh`: prints the shell's completion script,
 * generated from the same tables that parse the options.
 *
 * @example
 * await main(['completion', 'bash']); // prints the script
 */
export const completionCommand = defineCommand(COMPLETION_SPEC, async (_values, io, shell) => {
  await write(io.stdout, shell === 'zsh' ? zshCompletion(COMMAND_SPECS) : bashCompletion(COMMAND_SPECS));
  return ExitCode.Ok;
});
