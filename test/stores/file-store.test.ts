import { readFileSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreLockedError } from '../../lambdas/stores/file-lock.ts';
import { FileDetectionStore } from '../../lambdas/stores/file-store.ts';
import { readAll } from '../../lambdas/stores/read-all.ts';
import { PermanentStoreError } from '../../lambdas/stores/store-errors.ts';
import { tempDir, writeNdjson } from '../cli/detect-fake-io.ts';
import { CONTRACT_FIELDS, describeStoreContract } from './store-contract.ts';
import { at, dailyDocuments } from './store-fixtures.ts';

describeStoreContract('file', async (docs) => {
  const path = writeNdjson(tempDir(), 'docs.ndjson', docs);
  const store = await FileDetectionStore.open(path, CONTRACT_FIELDS);
  return {
    store,
    runs: () => store.runs(),
    cleanup: async () => {
      await store.close();
      await rm(dirname(path), { recursive: true, force: true });
    },
  };
});

describe('FileDetectionStore', () => {
  const opened: FileDetectionStore[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  const openPath = async (path: string) => {
    const store = await FileDetectionStore.open(path, CONTRACT_FIELDS);
    opened.push(store);
    return store;
  };
  const openWith = async (text: string) => {
    const dir = tempDir();
    const path = `${dir}/docs.ndjson`;
    writeFileSync(path, text);
    return { path, dir, store: await openPath(path) };
  };
  const EVERYTHING = { assets: null, from: 0, to: at('2030-01-01'), metrics: [] };
  const high = [
    {
      timeframeKey: 'd3',
      metric: 'volume',
      flag: { direction: 'high' as const, score: 2, since: at('2022-05-04') },
    },
  ];

  it('rewrites only updated lines: malformed, blank and untouched lines stay byte for byte', async () => {
    const [a, b] = dailyDocuments(['bitcoin'], '2022-05-01', 2);
    const text = `${JSON.stringify(a)}\n{not json\n\n{ "_id": "x",   "coin_id": "bitcoin", "timestamp": "2022-05-03T00:00:00Z" }\n${JSON.stringify(b)}\n`;
    const { path, dir, store } = await openWith(text);
    expect(store.problems.map((p) => p.line)).toEqual([2]);
    const batch = await readAll(store, {
      assets: ['bitcoin'],
      from: at('2022-05-02'),
      to: at('2022-05-03'),
      metrics: [],
    });
    await store.writeFlags([{ handle: batch.handles[0], asOf: at('2022-05-04'), changes: high }]);
    const lines = readFileSync(path, 'utf8').split('\n');
    const original = text.split('\n');
    expect(lines.length).toBe(original.length);
    expect(lines.filter((l, i) => l !== original[i])).toEqual([
      JSON.stringify({
        ...b,
        anomalies: {
          d3: {
            volume: {
              direction: 'high',
              score: 2,
              since: { $date: '2022-05-04T00:00:00.000Z' },
              asOf: { $date: '2022-05-04T00:00:00.000Z' },
            },
          },
        },
      }),
    ]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('serialises concurrent writes so that every update reaches the file', async () => {
    const { path, store } = await openWith(
      `${dailyDocuments(['a', 'b', 'c'], '2022-05-01', 20)
        .map((d) => JSON.stringify(d))
        .join('\n')}\n`,
    );
    const batch = await readAll(store, EVERYTHING);
    await Promise.all(batch.handles.map((handle) => store.writeFlags([{ handle, asOf: 0, changes: high }])));
    await store.close();
    const all = await readAll(await openPath(path), EVERYTHING);
    expect(all.documents.every((d) => (d as { anomalies?: unknown }).anomalies !== undefined)).toBe(true);
  });

  it('keeps run summaries in <file>.runs.ndjson with asOf and from as {"$date": ISO}', async () => {
    const { path, store } = await openWith(`${JSON.stringify(dailyDocuments(['a'], '2022-05-01', 1)[0])}\n`);
    expect(store.runsPath).toBe(`${path}.runs.ndjson`);
    await store.upsertRuns([
      {
        asset: 'a',
        asOf: at('2022-05-02'),
        from: at('2022-05-01'),
        paramsHash: 'h',
        params: { mode: 'window', timeframes: [3], metrics: ['volume'], deviationLimit: 1.5, minSamples: 1 },
        documents: 1,
        timeframes: {},
        messageId: 'm',
      },
    ]);
    const [line] = readFileSync(store.runsPath, 'utf8').trim().split('\n');
    expect([JSON.parse(line!).asOf, JSON.parse(line!).from]).toEqual([
      { $date: '2022-05-02T00:00:00.000Z' },
      { $date: '2022-05-01T00:00:00.000Z' },
    ]);
  });

  it('names the file and line of a corrupt run summary, as a permanent error (a retry cannot mend it)', async () => {
    const { store } = await openWith(`${JSON.stringify(dailyDocuments(['a'], '2022-05-01', 1)[0])}\n`);
    writeFileSync(
      store.runsPath,
      '{"asset":"a","asOf":{"$date":"2022-05-02T00:00:00Z"},"paramsHash":"h"}\n{oops\n',
    );
    const error = await store
      .findRuns({ assets: null, mode: 'window', asOfAfter: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStoreError);
    expect((error as PermanentStoreError).reason).toBe('RUNS_FILE_CORRUPT');
    expect((error as Error).message).toContain(`${store.runsPath}:2:`);
  });

  it('is held by one process at a time: a second open is refused with a message naming the holder', async () => {
    const { path } = await openWith(`${JSON.stringify(dailyDocuments(['a'], '2022-05-01', 1)[0])}\n`);
    const error = await FileDetectionStore.open(path, CONTRACT_FIELDS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toMatch(/is in use by this process/);
  });

  it('takes over the lock and removes the temporaries of a run that was killed', async () => {
    const dir = tempDir();
    const path = `${dir}/docs.ndjson`;
    writeFileSync(path, `${JSON.stringify(dailyDocuments(['a'], '2022-05-01', 1)[0])}\n`);
    // A pid far above any live process's: the holder is gone.
    const dead = 4_000_000;
    writeFileSync(`${path}.lock`, `${dead}\n`);
    writeFileSync(`${path}.${dead}.0badc0de.tmp`, 'half a file');
    writeFileSync(`${path}.${process.pid}.0badc0de.tmp`, 'a live writer');
    const store = await openPath(path);
    expect(store.size).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(
      ['docs.ndjson', 'docs.ndjson.lock', `docs.ndjson.${process.pid}.0badc0de.tmp`].sort(),
    );
    await store.close();
    expect(await readdir(dir)).not.toContain('docs.ndjson.lock');
  });

  it('never returns documents without a usable asset or time', async () => {
    const { store } = await openWith(
      '{"coin_id": "a"}\n{"timestamp": "2022-05-01"}\n{"coin_id": "a", "timestamp": "2022-05-01"}\n',
    );
    expect(store.size).toBe(1);
    expect((await readAll(store, EVERYTHING)).handles).toEqual([2]);
  });
});
