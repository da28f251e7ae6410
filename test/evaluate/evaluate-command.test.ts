import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lambdas/cli/main.ts';
import { captureIo } from '../report/cli-io.ts';

/** terra-luna around the real collapse rows: steady 80, then the crash the catalogue names. */
async function lunaFile(): Promise<string> {
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    const day = new Date(Date.UTC(2022, 3, 25 + i)).toISOString();
    const price = i < 15 ? 80 + (i % 2) : 80 / 10 ** (i - 14);
    lines.push(JSON.stringify({ coin_id: 'terra-luna', timestamp: { $date: day }, latest_price: price }));
  }
  const file = join(await mkdtemp(join(tmpdir(), 'riskfence-evaluate-')), 'luna.ndjson');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('riskfence evaluate', () => {
  it('prints the three tables with one row per configuration', async () => {
    const c = captureIo(tmpdir());
    const argv = ['evaluate', '-i', await lunaFile(), '--metrics', 'latest_price', '--timeframes', '7'];
    expect(await main(argv, c.io)).toBe(0);
    const out = c.stdout();
    expect(out).toContain('terra-luna         rows 2022-05-10..2022-05-14    5 pairs');
    expect(out).toMatch(/Event asset-days flagged/);
    expect(out).toMatch(/Flag rate on all other asset-days/);
    expect(out).toMatch(/Flags from IQR-0 windows/);
    // rolling, k 1.5, no guard: the first two crash rows fall below the fences of steady windows;
    // from the third on, the window holds crash values too, its IQR is wide and the lower fence negative.
    expect(out).toMatch(/^rolling {2}1\.5 {6}0 {3}7 {4}40\.0 {3}40\.0$/m);
    expect(out.match(/^(rolling|window) /gm)).toHaveLength(3 * 2 * 2 * 3);
  });

  it('--format json gives the rows with raw counts', async () => {
    const c = captureIo(tmpdir());
    const argv = ['evaluate', '-i', await lunaFile(), '--metrics', 'latest_price', '--timeframes', '7'];
    expect(
      await main([...argv, '--format', 'json', '--modes', 'rolling', '--min-relative-iqr', '0'], c.io),
    ).toBe(0);
    const json = JSON.parse(c.stdout());
    expect(json.rows).toHaveLength(2);
    expect(json.rows[0]).toMatchObject({
      mode: 'rolling',
      deviationLimit: 1.5,
      minRelativeIqr: 0,
      timeframe: 7,
    });
    expect(json.rows[0].metrics.latest_price).toMatchObject({ eventPairs: 5, eventFlagged: 2 });
  });

  it.each([
    [['evaluate'], /--input FILE is required/],
    [['evaluate', '-i', 'x.ndjson', '--format', 'xml'], /--format: 'xml'/],
    [['evaluate', '-i', 'x.ndjson', '--modes', 'rolling,daily'], /--modes: 'daily'/],
    [['evaluate', '-i', 'x.ndjson', '--min-relative-iqr=-1'], /minRelativeIqr/],
    [['evaluate', '-i', 'x.ndjson', '--deviation-limits', '1.5,abc'], /'abc' is not a number/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const c = captureIo(tmpdir());
    expect(await main(argv, c.io)).toBe(2);
    expect(c.stderr()).toMatch(message);
    expect(c.stderr()).toContain('Usage: riskfence evaluate');
  });

  it('a missing input file is an input error (exit 1)', async () => {
    const c = captureIo(tmpdir());
    expect(await main(['evaluate', '-i', '/nonexistent/history.ndjson'], c.io)).toBe(1);
    expect(c.stderr()).toMatch(/nonexistent/);
  });
});
