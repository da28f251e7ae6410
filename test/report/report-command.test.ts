import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lambdas/cli/main.ts';
import { captureIo } from './cli-io.ts';
import { SAMPLE } from './report-fixture.ts';

describe('riskfence report', () => {
  it('writes a self-contained HTML report and says how many charts and flags', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'riskfence-report-'));
    const c = captureIo(dir);
    const argv = ['report', '-i', SAMPLE, '--assets', 'terra-luna', '--metrics', 'latest_price,volume'];
    const code = await main([...argv, '--from', '2022-04-01', '--to', '2022-06-30', '-o', 'r.html'], c.io);
    expect(code).toBe(0);
    expect(c.stdout()).toMatch(/^wrote r\.html: 2 charts, \d+ flags\n$/);
    const html = await readFile(join(dir, 'r.html'), 'utf8');
    expect(html.match(/<figure class="chart"/g)).toHaveLength(2);
  });

  it.each([
    [['report'], /--input FILE is required/],
    [['report', '-i', SAMPLE, '--mode', 'sideways'], /--mode: 'sideways'/],
    [
      ['report', '-i', SAMPLE, '--mode', 'rolling', '--as-of', '2022-05-01'],
      /--as-of applies to --mode window/,
    ],
    [['report', '-i', SAMPLE, '--from', 'yesterday'], /--from: not an ISO-8601 date/],
    [['report', '-i', SAMPLE, '--deviation-limit', '0'], /deviation-?limit/i],
    [['report', '-i', SAMPLE, '--max-charts', '10'], /84 charts .* exceed --max-charts 10/],
    [['report', '--bogus'], /bogus/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const c = captureIo(tmpdir());
    expect(await main(argv, c.io)).toBe(2);
    expect(c.stderr()).toMatch(message);
    expect(c.stderr()).toContain('Usage: riskfence report');
  });

  it.each([
    [['report', '-i', '/nonexistent/file.ndjson'], /nonexistent/],
    [['report', '-i', SAMPLE, '--assets', 'no-such-coin'], /no data for asset\(s\) no-such-coin/],
  ])('%j is an input error (exit 1)', async (argv, message) => {
    const c = captureIo(tmpdir());
    expect(await main(argv, c.io)).toBe(1);
    expect(c.stderr()).toMatch(message);
  });
});
