import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDetectionStore } from '../../lambdas/stores/file-store.ts';
import { expectHandled, HANG_MS, ROOT, runCli } from './run-cli.ts';

/**
 * Faults of the file store through the real `riskfence invoke`: two runs on one
 * store at once, a run killed mid-write, and a corrupt run-summaries file. Each
 * asserts what the store holds afterwards and that no count claims a write that
 * did not happen.
 */
const SAMPLE = 'sample/risk-scores-2022-2023.ndjson';
const FIELDS = { assetField: 'coin_id', timeField: 'timestamp', anomaliesField: 'anomalies' };
const root = mkdtempSync(join(tmpdir(), 'riskfence-store-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let cases = 0;
function storeCase(): { dir: string; store: string; event: string } {
  const dir = join(root, `case-${++cases}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  return { dir, store: join(dir, 'docs.ndjson'), event: join(dir, 'event.json') };
}

/** A fresh copy of the bundled sample and an event of requests for every asset on some days. */
function prepare(days: string[]): { dir: string; store: string; event: string } {
  const c = storeCase();
  copyFileSync(join(ROOT, SAMPLE), c.store);
  const records = days.map((d, i) => ({
    messageId: `m-${i}`,
    body: JSON.stringify({ version: 1, asOf: `${d}T00:00:00Z` }),
    attributes: { SentTimestamp: String(Date.parse(d)) },
  }));
  writeFileSync(c.event, JSON.stringify({ Records: records }));
  return c;
}

const invoke = (c: { store: string; event: string }) =>
  runCli(['invoke', '--event', c.event, '--store', c.store]);

/** Each stored entry as `_id dT metric direction score`, without the asOf that records which run wrote it. */
const verdicts = (store: string) =>
  readFileSync(store, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"anomalies"'))
    .flatMap((l) => {
      const d = JSON.parse(l) as {
        _id: unknown;
        anomalies: Record<string, Record<string, { direction: string; score: number }>>;
      };
      return Object.entries(d.anomalies).flatMap(([tf, entries]) =>
        Object.entries(entries).map(
          ([m, e]) => `${JSON.stringify(d._id)} ${tf} ${m} ${e.direction} ${e.score}`,
        ),
      );
    })
    .sort();

const flaggedLines = (store: string) =>
  readFileSync(store, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"anomalies"')).length;

describe('file store faults through riskfence invoke', () => {
  it('an invoke on a store another process holds is refused with a one-line message and changes nothing', async () => {
    const c = prepare(['2022-05-15']);
    const before = readFileSync(c.store, 'utf8');
    const held = await FileDetectionStore.open(c.store, FIELDS);
    try {
      const refused = await invoke(c);
      expectHandled(refused, 1, new RegExp(`in use by process ${process.pid}`));
      expect(readFileSync(c.store, 'utf8')).toBe(before);
    } finally {
      await held.close();
    }
    expect((await invoke(c)).code).toBe(0);
  });

  it('two invokes on one store at once never lose flags nor report writes that did not happen', async () => {
    const c = prepare(['2022-05-12', '2022-05-15', '2022-11-12']);
    const runs = await Promise.all([invoke(c), invoke(c)]);
    // Either they overlapped (one refused) or ran one after the other (the second wrote nothing).
    const ok = runs.filter((r) => r.code === 0);
    for (const r of runs.filter((r) => r.code !== 0)) expectHandled(r, 1, /in use by process \d+/);
    const written = ok.map((r) => JSON.parse(r.stdout).flagsWritten as number).sort((a, b) => b - a);
    expect(written[0]).toBeGreaterThan(0);
    expect(written.slice(1)).toEqual(ok.length === 2 ? [0] : []);
    expect(readdirSync(c.dir).filter((f) => f.endsWith('.lock'))).toEqual([]);
    // The store holds exactly what one run alone leaves.
    const alone = prepare(['2022-05-12', '2022-05-15', '2022-11-12']);
    expect((await invoke(alone)).code).toBe(0);
    expect(verdicts(c.store)).toEqual(verdicts(alone.store));
  });

  it('a run killed mid-write leaves the store whole, and the next run removes its temporaries and its lock', async () => {
    const c = prepare(['2022-05-12', '2022-05-15', '2022-06-14', '2022-11-12', '2023-03-13']);
    const child = spawn(
      process.execPath,
      ['bin/riskfence.js', 'invoke', '--event', c.event, '--store', c.store],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    const before = readFileSync(c.store, 'utf8');
    // Kill it as soon as it has taken the lock: somewhere between reading and renaming.
    const deadline = Date.now() + HANG_MS;
    while (!readdirSync(c.dir).some((f) => f.endsWith('.lock')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    // Either the old file or a complete new one: every line is still a document of the sample.
    const after = readFileSync(c.store, 'utf8').split('\n');
    expect(after.length).toBe(before.split('\n').length);
    for (const line of after) if (line !== '') JSON.parse(line);
    const next = await invoke(c);
    expect(next.code).toBe(0);
    expect(readdirSync(c.dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
  });

  it('a corrupt line in the run summaries fails every record permanently, naming file and line, before any flag is written', async () => {
    const c = prepare(['2022-05-15']);
    writeFileSync(
      `${c.store}.runs.ndjson`,
      '{"asset":"bitcoin","asOf":{"$date":"2022-05-01T00:00:00Z"}}\n{oops\n',
    );
    const dlq = join(c.dir, 'dlq.ndjson');
    const event = join(c.dir, 'one.json');
    writeFileSync(
      event,
      JSON.stringify({
        Records: [
          { messageId: 'm', body: '{"version":1,"assets":["bitcoin"],"asOf":"2022-05-15T00:00:00Z"}' },
        ],
      }),
    );
    const run = await runCli(['invoke', '--event', event, '--store', c.store, '--dead-letter', dlq]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { flagsWritten: number };
    expect(result.flagsWritten).toBe(0);
    expect(flaggedLines(c.store)).toBe(0);
    const [letter] = readFileSync(dlq, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(letter!.errorCode).toBe('STORE_REJECTED');
    expect(letter!.errorMessage).toContain('docs.ndjson.runs.ndjson:2:');
  });
});
