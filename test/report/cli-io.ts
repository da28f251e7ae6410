import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../lambdas/cli/command.ts';

/** A fake CLI environment whose output is collected as text. */
export interface CapturedIo {
  readonly io: CliIo;
  stdout(): string;
  stderr(): string;
}

/**
 * An in-process CLI environment for `main(argv, io)`: empty stdin, captured stdout and stderr.
 *
 * @example
 * const c = captureIo('/tmp'); await main(['report'], c.io); c.stderr();
 */
export function captureIo(cwd: string): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (b: Buffer) => out.push(b.toString()));
  stderr.on('data', (b: Buffer) => err.push(b.toString()));
  return {
    io: { stdin: Readable.from([]), stdout, stderr, env: {}, cwd, stderrIsTTY: false },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
