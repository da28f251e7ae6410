import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { CliIo } from '../../lambdas/cli/command.ts';
import { main } from '../../lambdas/cli/main.ts';

/** Captured output of one in-process CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A writable stream that keeps everything written to it. */
export function captureStream(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Runs `riskfence ...argv` in-process with fake streams; `stdin` is fed as given. */
export async function runCli(
  argv: readonly string[],
  options: { stdin?: string | Buffer[]; env?: Record<string, string>; cwd?: string; tty?: boolean } = {},
): Promise<CliRun> {
  const stdout = captureStream();
  const stderr = captureStream();
  const input = options.stdin ?? '';
  const io: CliIo = {
    stdin: Readable.from(typeof input === 'string' ? [Buffer.from(input)] : input),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stderrIsTTY: options.tty ?? false,
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'riskfence-detect-'));
}

/** Writes documents as NDJSON (one `JSON.stringify` per line) and returns the path. */
export function writeNdjson(dir: string, name: string, docs: readonly unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${docs.map((d) => JSON.stringify(d)).join('\n')}\n`);
  return path;
}
