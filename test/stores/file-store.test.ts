import { readFileSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileDetectionStore } from '../../lambdas/stores/file-store.ts';
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
    cleanup: () => rm(dirname(path), { recursive: true, force: true }),
  };
});

describe('FileDetectionStore', () => {
  const openWith = async (text: string) => {
    const dir = tempDir();
    const path = `${dir}/docs.ndjson`;
    writeFileSync(path, text);
    return { path, dir, store: await FileDetectionStore.open(path, CONTRACT_FIELDS) };
  };

  it('rewrites only updated lines: malformed, blank and untouched lines stay byte for byte', async () => {
    const [a, b] = dailyDocuments(['bitcoin'], '2022-05-01', 2);
    const text = `${JSON.stringify(a)}\n{not json\n\n{ "_id": "x",   "coin_id": "bitcoin", "timestamp": "2022-05-03T00:00:00Z" }\n${JSON.stringify(b)}\n`;
    const { path, dir, store } = await openWith(text);
    expect(store.problems.map((p) => p.line)).toEqual([2]);
    const batch = await store.read({
      assets: ['bitcoin'],
      from: at('2022-05-02'),
      to: at('2022-05-03'),
      metrics: [],
    });
    await store.writeFlags([
      { handle: batch.handles[0], set: { d3: { asOf: at('2022-05-04'), flags: {} } } },
    ]);
    const lines = readFileSync(path, 'utf8').split('\n');
    const original = text.split('\n');
    expect(lines.length).toBe(original.length);
    expect(lines.filter((l, i) => l !== original[i])).toEqual([
      JSON.stringify({ ...b, anomalies: { d3: { asOf: { $date: '2022-05-04T00:00:00.000Z' }, flags: {} } } }),
    ]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('serialises concurrent writes so that every update reaches the file', async () => {
    const { path, store } = await openWith(
      `${dailyDocuments(['a', 'b', 'c'], '2022-05-01', 20)
        .map((d) => JSON.stringify(d))
        .join('\n')}\n`,
    );
    const batch = await store.read({ assets: null, from: 0, to: at('2030-01-01'), metrics: [] });
    await Promise.all(
      batch.handles.map((handle) => store.writeFlags([{ handle, set: { d7: { asOf: 0, flags: {} } } }])),
    );
    const reopened = await FileDetectionStore.open(path, CONTRACT_FIELDS);
    const all = await reopened.read({ assets: null, from: 0, to: at('2030-01-01'), metrics: [] });
    expect(all.documents.every((d) => (d as { anomalies?: unknown }).anomalies !== undefined)).toBe(true);
  });

  it('keeps run summaries in <file>.runs.ndjson with asOf as {"$date": ISO}', async () => {
    const { path, store } = await openWith(`${JSON.stringify(dailyDocuments(['a'], '2022-05-01', 1)[0])}\n`);
    expect(store.runsPath).toBe(`${path}.runs.ndjson`);
    await store.upsertRuns([
      {
        asset: 'a',
        asOf: at('2022-05-02'),
        paramsHash: 'h',
        params: { mode: 'window', timeframes: [3], metrics: ['volume'], deviationLimit: 1.5, minSamples: 1 },
        documents: 1,
        timeframes: {},
        messageId: 'm',
      },
    ]);
    const [line] = readFileSync(store.runsPath, 'utf8').trim().split('\n');
    expect(JSON.parse(line!).asOf).toEqual({ $date: '2022-05-02T00:00:00.000Z' });
  });

  it('refuses to write flags into a document whose flags field is not an object, as MongoDB does', async () => {
    const doc = { ...dailyDocuments(['a'], '2022-05-01', 1)[0], anomalies: 'oops' };
    const { store } = await openWith(`${JSON.stringify(doc)}\n`);
    const batch = await store.read({ assets: null, from: 0, to: at('2030-01-01'), metrics: [] });
    await expect(
      store.writeFlags([{ handle: batch.handles[0], set: { d3: { asOf: 0, flags: {} } } }]),
    ).rejects.toBeInstanceOf(PermanentStoreError);
  });

  it('never returns documents without a usable asset or time', async () => {
    const { store } = await openWith(
      '{"coin_id": "a"}\n{"timestamp": "2022-05-01"}\n{"coin_id": "a", "timestamp": "2022-05-01"}\n',
    );
    expect(store.size).toBe(1);
    const batch = await store.read({ assets: null, from: 0, to: at('2030-01-01'), metrics: [] });
    expect(batch.handles).toEqual([2]);
  });
});
