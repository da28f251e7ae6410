import type { Readable, Writable } from 'node:stream';

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

/** One `riskfence <name>` subcommand. */
export interface Command {
  readonly name: string;
  /** Full usage text for `riskfence <name> --help` and usage errors. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes of every command. */
export const ExitCode = { Ok: 0, InputError: 1, UsageError: 2 } as const;

/** Bad flags or arguments: exit 2, with the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Unreadable or invalid input (files, events, configuration): exit 1. */
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
 * Writes text to a stream and waits until it is flushed, so large outputs and
 * pipes to `head` behave.
 *
 * @example
 * await write(io.stdout, 'done\n');
 */
export function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(text)) {
      resolve();
      return;
    }
    // Both listeners go once either fires, so long outputs never pile up listeners.
    const done = (error?: Error) => {
      stream.off('drain', done);
      stream.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
  });
}
