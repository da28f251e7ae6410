import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../lambdas/cli/command.ts';
import { main } from '../../lambdas/cli/main.ts';
import { captureStream, tempDir } from './detect-fake-io.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'sample', 'risk-scores-2022-2023.ndjson');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stdout whose reader is gone after `accepted` writes: every later write fails as a closed pipe does. */
function closingStdout(accepted: number, code = 'EPIPE'): Writable {
  let writes = 0;
  return new Writable({
    write(_chunk, _encoding, callback) {
      if (writes++ < accepted) callback();
      else callback(Object.assign(new Error(`write ${code}`), { code }));
    },
  });
}

async function runWith(argv: string[], stdout: Writable) {
  const stderr = captureStream();
  const io: CliIo = {
    stdin: Readable.from([]),
    stdout,
    stderr: stderr.stream,
    env: {},
    cwd: ROOT,
    stderrIsTTY: false,
  };
  return { code: await main(argv, io), stderr: stderr.text() };
}

describe('a reader that closes the output early', () => {
  const store = join(dir, 'store.ndjson');
  copyFileSync(SAMPLE, store);
  it.each([
    ['detect --format ndjson', ['detect', '-i', SAMPLE, '--format', 'ndjson']],
    ['detect --format json', ['detect', '-i', SAMPLE, '--format', 'json']],
    ['detect (table)', ['detect', '-i', SAMPLE]],
    [
      'detect --mode rolling --format json',
      ['detect', '-i', SAMPLE, '--mode', 'rolling', '--format', 'json'],
    ],
    [
      'evaluate --format json',
      ['evaluate', '-i', SAMPLE, '--metrics', 'volume', '--timeframes', '7', '--format', 'json'],
    ],
    ['invoke', ['invoke', '--event', 'examples/sqs-event.json', '--store', store, '--log-level', 'SILENT']],
    ['completion bash', ['completion', 'bash']],
    ['--help', ['--help']],
    ['detect --help', ['detect', '--help']],
    ['--version', ['--version']],
  ])('%s ends quietly with exit 0', async (_, argv) => {
    const run = await runWith(argv, closingStdout(0));
    expect(run).toEqual({ code: 0, stderr: '' });
  });

  it('any other write error is one line and exit 1, with no stack', async () => {
    const run = await runWith(['--version'], closingStdout(0, 'EIO'));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('riskfence: unexpected error: write EIO (set RISKFENCE_DEBUG=1 for the stack)\n');
  });

  it.each([
    ['detect --format ndjson | head -1', 'detect --format ndjson | head -1'],
    ['detect --format json | head -c 100', 'detect --format json | head -c 100'],
  ])('%s in a real shell: exit 0, nothing on stderr', (_, pipeline) => {
    const [command, ...rest] = pipeline.split(' | ');
    const script = `node bin/riskfence.js ${command!.replace('detect', `detect -i ${SAMPLE}`)} 2>err.txt | ${rest.join(' | ')} >/dev/null; echo "\${PIPESTATUS[0]}"; cat err.txt`;
    const run = spawnSync(
      'bash',
      ['-c', `cd ${JSON.stringify(ROOT)} && ${script.replaceAll('err.txt', join(dir, 'err.txt'))}`],
      {
        encoding: 'utf8',
        env: { ...process.env, RISKFENCE_FROM_SOURCE: '1' },
        timeout: 60_000,
      },
    );
    expect(run.stdout).toBe('0\n');
  });
});
