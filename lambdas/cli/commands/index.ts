import type { Command } from '../command.ts';
import type { CommandSpec } from '../options/option-spec.ts';
import { COMMAND_SPECS } from '../specs/command-specs.ts';

/** A subcommand as the dispatcher knows it: its option table now, its module only when it runs. */
export interface CommandEntry {
  readonly spec: CommandSpec;
  /** Imports the command's module. */
  load(): Promise<Command>;
}

/**
 * How to load each command, by name. Modules are imported on demand because
 * some pull in the AWS SDK, Powertools and the MongoDB driver: loading them
 * all would add most of a second to every `riskfence detect`.
 */
const LOADERS: Readonly<Record<string, () => Promise<Command>>> = {
  detect: async () => (await import('./detect-command.ts')).detectCommand,
  demo: async () => (await import('./demo-command.ts')).demoCommand,
  invoke: async () => (await import('./invoke-command.ts')).invokeCommand,
  send: async () => (await import('./send-command.ts')).sendCommand,
  'mongo-init': async () => (await import('./mongo-init-command.ts')).mongoInitCommand,
  report: async () => (await import('./report-command.ts')).reportCommand,
  evaluate: async () => (await import('./evaluate-command.ts')).evaluateCommand,
  completion: async () => (await import('./completion-command.ts')).completionCommand,
};

/**
 * Every subcommand, in the order `riskfence --help` lists them.
 *
 * @example
 * COMMANDS.map((c) => c.spec.name); // ['detect', 'demo', ...]
 */
export const COMMANDS: readonly CommandEntry[] = COMMAND_SPECS.map((spec) => ({
  spec,
  load: LOADERS[spec.name]!,
}));
