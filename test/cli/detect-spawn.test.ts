import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = 'sample/risk-scores-2022-2023.ndjson';

function riskfence(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['bin/riskfence.js', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, QUANTILE_DEVIATION_LIMIT: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('node bin/riskfence.js detect (a real process)', () => {
  it('prints the JSON report of the bundled sample and exits 0', () => {
    const r = riskfence(['detect', '--input', SAMPLE, '--as-of', '2022-05-15T00:00:00Z', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.params.asOf).toBe('2022-05-15T00:00:00.000Z');
    expect(report.results).toHaveLength(12 * 3 * 7);
  });

  it('reads stdin for --input - and prints NDJSON flags', () => {
    const r = riskfence(
      ['detect', '--input', '-', '--as-of', '2022-05-15T00:00:00Z', '--format', 'ndjson'],
      readFileSync(join(ROOT, SAMPLE), 'utf8'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/"asset":"terra-luna","metric":"latest_price"/);
  });

  it('exits 1 for a missing file and 2 for a bad flag, naming the problem', () => {
    const missing = riskfence(['detect', '--input', 'no/such.ndjson']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read no\/such\.ndjson: no such file/);
    const usage = riskfence(['detect', '--input', SAMPLE, '--mode', 'sideways']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--mode: 'sideways'/);
  });
});
