import type { Command } from '../command.ts';

/** A subcommand as the dispatcher lists it; its module loads only when it runs. */
export interface CommandEntry {
  readonly name: string;
  /** One line for `riskfence --help`. */
  readonly summary: string;
  /** Imports the command's module. */
  load(): Promise<Command>;
}

/**
 * Every subcommand, in the order `riskfence --help` lists them.
 *
 * Modules are imported on demand because some pull in the AWS SDK, Powertools
 * and the MongoDB driver: loading them all would add most of a second to every
 * `riskfence detect`.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'detect',
    summary: 'flag values outside IQR fences in an NDJSON, JSON or CSV file',
    load: async () => (await import('./detect-command.ts')).detectCommand,
  },
  {
    name: 'demo',
    summary: 'run the Lambda handler on the bundled sample with a generated SQS batch',
    load: async () => (await import('./demo-command.ts')).demoCommand,
  },
  {
    name: 'invoke',
    summary: 'run the Lambda handler in-process on an SQS event with a file store',
    load: async () => (await import('./invoke-command.ts')).invokeCommand,
  },
  {
    name: 'send',
    summary: 'send detection requests to an SQS queue (AWS or --endpoint), 10 per batch',
    load: async () => (await import('./send-command.ts')).sendCommand,
  },
  {
    name: 'mongo-init',
    summary: "create the service's MongoDB indexes (idempotent)",
    load: async () => (await import('./mongo-init-command.ts')).mongoInitCommand,
  },
  {
    name: 'report',
    summary: 'draw series, fences and flags into a self-contained HTML report',
    load: async () => (await import('./report-command.ts')).reportCommand,
  },
  {
    name: 'evaluate',
    summary: 'measure the detector on real market events (hit rate, false-alarm proxy, IQR-0 share)',
    load: async () => (await import('./evaluate-command.ts')).evaluateCommand,
  },
];
