import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceTable } from '../../lambdas/cli/options/reference-table.ts';
import { COMMAND_SPECS } from '../../lambdas/cli/specs/command-specs.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const REFERENCE = README.slice(
  README.indexOf('## Command-line reference'),
  README.indexOf('## The Lambda service'),
);

/** Lines of the reference's shell examples that need a server, a queue or credentials: not run here. */
const NEEDS_SERVICES = /\$MONGODB_URI|\$QUEUE_URL|127\.0\.0\.1|moto_server|^export |python3|fpath|source </;

/** The shell examples of the command-line reference, continuation lines joined, comments dropped. */
function shellExamples(): string[][] {
  const blocks = [...REFERENCE.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .map((block) =>
      block
        .replace(/\\\n\s*/g, '')
        .split('\n')
        .filter(
          (line) => line.trim() !== '' && !line.trimStart().startsWith('#') && !NEEDS_SERVICES.test(line),
        ),
    )
    .filter((lines) => lines.length > 0);
}

const work = mkdtempSync(join(tmpdir(), 'riskfence-readme-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// A fresh clone as far as the examples can tell: the bundled sample and examples, nothing else.
for (const dir of ['sample', 'examples', 'schemas']) symlinkSync(join(ROOT, dir), join(work, dir));

describe('the README command-line reference', () => {
  it.each(COMMAND_SPECS.map((s) => [s.name, s] as const))(
    'lists every option of %s as its table says',
    (_, spec) => {
      const table = referenceTable(spec);
      expect(
        REFERENCE.includes(table),
        `README.md's table of riskfence ${spec.name} differs from its option table; replace it with:\n\n${table}\n`,
      ).toBe(true);
    },
  );

  it('runs every example that needs no server, as written, from a fresh checkout', () => {
    const examples = shellExamples();
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const lines of examples) {
      const script = ['set -e', 'mkdir -p out', ...lines]
        .join('\n')
        .replaceAll('npx riskfence', `node ${join(ROOT, 'bin', 'riskfence.js')}`);
      const run = spawnSync('bash', ['-c', script], {
        cwd: work,
        encoding: 'utf8',
        // Only the exit status and stderr matter; some examples print megabytes.
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { PATH: process.env.PATH, HOME: work, RISKFENCE_FROM_SOURCE: '1' },
        timeout: 120_000,
      });
      expect(run.status, `${lines.join('\n')}\n${run.stderr}`).toBe(0);
    }
  });
});
