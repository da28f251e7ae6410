import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { disagreements } from '../support/agreement.ts';
import { type GoldenCase, goldenNames, readGolden } from '../support/golden.ts';
import { runCli, tempDir, writeNdjson } from './detect-fake-io.ts';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The flags that reproduce a golden case's options. */
function flagsOf(c: GoldenCase): string[] {
  const o = c.options;
  const flags = ['--mode', c.mode, '--format', 'json'];
  if (o.asOf !== undefined) flags.push('--as-of', o.asOf);
  if (o.timeframes !== undefined) flags.push('--timeframes', o.timeframes.join(','));
  if (o.deviationLimit !== undefined) flags.push('--deviation-limit', String(o.deviationLimit));
  if (o.minSamples !== undefined) flags.push('--min-samples', String(o.minSamples));
  if (o.closed !== undefined) flags.push('--closed', o.closed);
  if (o.metrics !== undefined) flags.push('--metrics', o.metrics.join(','));
  return flags;
}

describe('riskfence detect --format json agrees with pandas on every golden case', () => {
  const names = goldenNames();
  it('has the golden cases to test', () => {
    expect(names.length).toBeGreaterThanOrEqual(21);
  });
  for (const name of names) {
    it(name, async () => {
      const c = readGolden(name);
      const input = writeNdjson(dir, `${name}.ndjson`, c.input);
      const run = await runCli(['detect', '--input', input, ...flagsOf(c)]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(disagreements(JSON.parse(run.stdout), c.expected)).toEqual([]);
    });
  }
});
