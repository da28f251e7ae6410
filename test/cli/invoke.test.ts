import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './detect-fake-io.ts';

const EVENT = 'test/fixtures/events/mixed-batch.json';
const SAMPLE = 'sample/risk-scores-2022-2023.ndjson';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function storeCopy(): { dir: string; store: string } {
  const dir = tempDir();
  dirs.push(dir);
  const store = join(dir, 'docs.ndjson');
  copyFileSync(SAMPLE, store);
  return { dir, store };
}

describe('riskfence invoke', () => {
  it('runs the handler on an SQS event: processes, dead-letters, and a second run writes nothing', async () => {
    const { dir, store } = storeCopy();
    const deadLetterFile = join(dir, 'dlq.ndjson');
    const first = await runCli([
      'invoke',
      '--event',
      EVENT,
      '--store',
      store,
      '--dead-letter',
      deadLetterFile,
    ]);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({
      batchItemFailures: [],
      deadLettered: [
        { messageId: 'not-json', errorCode: 'INVALID_JSON', errorMessage: expect.stringContaining('JSON') },
      ],
      recordsFailed: 0,
      invalidMessages: 1,
      // terra-luna and bitcoin over 30 days, then every one of the 12 assets over 30 days
      documentsRead: 420,
    });
    // The handler's counts are printed as it keeps them, whatever it adds (chunk requests, rejected flags).
    expect(result.flagsWritten).toBeGreaterThan(0);
    expect(result.recordsProcessed).toBe(2 + result.chunkRequests);
    expect(result.anomaliesDetected).toBeGreaterThan(0);
    const terra = readFileSync(store, 'utf8')
      .split('\n')
      .find((l) => l.includes('"terra-luna:2022-05-13"'))!;
    expect(JSON.parse(terra).anomalies.d30.latest_price).toMatchObject({
      direction: 'low',
      score: expect.any(Number),
    });
    expect(readFileSync(`${store}.runs.ndjson`, 'utf8').trim().split('\n')).toHaveLength(14);
    // The alerts it would publish: one EventBridge detail per new verdict, the one AnomaliesDetected counts.
    expect(result.alerts).toHaveLength(result.anomaliesDetected);
    expect(result.alerts).toContainEqual(
      expect.objectContaining({
        asset: 'terra-luna',
        metric: 'latest_price',
        timeframe: 30,
        direction: 'low',
        time: '2022-05-13T00:00:00.000Z',
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
      }),
    );

    const second = await runCli([
      'invoke',
      '--event',
      EVENT,
      '--store',
      store,
      '--dead-letter',
      deadLetterFile,
    ]);
    expect(JSON.parse(second.stdout)).toMatchObject({
      flagsWritten: 0,
      recordsProcessed: result.recordsProcessed,
      invalidMessages: 1,
      anomaliesDetected: 0,
      alerts: [],
    });
    const dead = readFileSync(deadLetterFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(dead.map((d) => [d.messageId, d.errorCode, d.body])).toEqual([
      ['not-json', 'INVALID_JSON', '{"version": 1, "assets": ['],
      ['not-json', 'INVALID_JSON', '{"version": 1, "assets": ['],
    ]);
    expect(second.stderr).toContain('"messageId":"not-json"');
  });

  it('keeps stdout pure JSON in a real process: logs go to stderr, no EMF metrics anywhere', async () => {
    const { store } = storeCopy();
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['bin/riskfence.js', 'invoke', '--event', EVENT, '--store', store, '--log-level', 'INFO'],
      { env: { ...process.env, POWERTOOLS_DEV: '' } },
    );
    expect(JSON.parse(stdout).documentsRead).toBe(420);
    expect(stderr).toContain('"message":"record processed"');
    expect(`${stdout}${stderr}`).not.toContain('_aws');
  });

  it('exits 1 naming a missing store file', async () => {
    const { store } = storeCopy();
    rmSync(store);
    const run = await runCli(['invoke', '--event', EVENT, '--store', store]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(store);
  });

  it.each([
    [['invoke', '--store', 'x.ndjson'], 2, '--event FILE is required'],
    [['invoke', '--event', EVENT], 2, '--store FILE is required (or --mongodb-uri URI'],
    [['invoke', '--event', EVENT, '--store', SAMPLE, '--mongodb-uri', 'mongodb://h'], 2, 'not both'],
    [['invoke', '--event', EVENT, '--store', SAMPLE, '--log-level', 'LOUD'], 2, '--log-level'],
    [['invoke', '--event', 'missing.json', '--store', SAMPLE], 1, 'missing.json'],
    [['invoke', '--event', 'package.json', '--store', SAMPLE], 1, 'no "Records" array'],
  ])('%j exits %i naming the problem', async (argv, code, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
  });

  it('rejects an invalid environment configuration with exit 1', async () => {
    const run = await runCli(['invoke', '--event', EVENT, '--store', SAMPLE], { env: { TIMEFRAMES: '0' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('TIMEFRAMES');
  });
});
