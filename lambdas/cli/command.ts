import type { Readable, Writable } from 'node:stream';
import type { CommandSpec, OptionValues } from './options/option-spec.ts';

/** What a command may touch: streams, environment and working directory, injectable for tests. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stderr is a terminal (progress is shown only then). */
  readonly stderrIsTTY: boolean;
}

/** Parsed option values as the dispatcher hands them over (typed per command by {@link defineCommand}). */
export type RawValues = Readonly<Record<string, string | boolean | undefined>>;

/** One `riskfence <name>` subcommand: its option table and what it does with the parsed values. */
export interface Command {
  readonly spec: CommandSpec;
  /** Runs the command on values already parsed against `spec`; resolves to the exit code. */
  run(values: RawValues, io: CliIo, positional: string | undefined): Promise<number>;
}

/**
 * A command whose `run` sees its values typed from its own option table.
 *
 * @example
 * export const demoCommand = defineCommand(DEMO_SPEC, async (values, io) => (values.keep ? 0 : 0));
 */
export function defineCommand<const S extends CommandSpec>(
  spec: S,
  run: (values: OptionValues<S>, io: CliIo, positional: string | undefined) => Promise<number>,
): Command {
  // The dispatcher parsed `values` with this very spec, so the cast restates what parsing guaranteed.
  return { spec, run: (values, io, positional) => run(values as OptionValues<S>, io, positional) };
}

/** Exit codes of every command. */
export const ExitCode = { Ok: 0, InputError: 1, UsageError: 2 } as const;

/**
 * Bad options or arguments: exit 2, one line, with a pointer to the command's help.
 *
 * @example
 * throw new UsageError('--from is after --to');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Unreadable or invalid input (files, events, configuration, an unreachable server): exit 1, one line.
 *
 * @example
 * throw new InputError(`no usable documents in ${name}`);
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * The real process's streams and environment.
 *
 * @example
 * await main(process.argv.slice(2), processIo());
 */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}

/**
 * The reader of an output went away (`riskfence detect | head -1`): the
 * command stops quietly with exit 0, as other Unix tools do.
 *
 * @example
 * if (e instanceof OutputClosedError) return ExitCode.Ok;
 */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
}

/** Error codes of a write to a pipe or socket whose reader has gone. */
const CLOSED_CODES = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/**
 * Writes text to a stream and waits until the stream has taken it (so large
 * outputs honour backpressure). A reader that closed the pipe becomes an
 * {@link OutputClosedError}; other write errors are rethrown.
 *
 * @example
 * await write(io.stdout, 'done\n');
 */
export function write(stream: Writable, text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed || stream.writableEnded) {
      reject(new OutputClosedError('output closed'));
      return;
    }
    stream.write(text, (error) => {
      if (!error) resolve();
      else if (CLOSED_CODES.has((error as NodeJS.ErrnoException).code ?? '')) {
        reject(new OutputClosedError(error.message));
      } else reject(error);
    });
  });
}
