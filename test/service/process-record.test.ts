import { appendFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../../lambdas/requests/invalid-message-error.ts';
import type { DetectionJob } from '../../lambdas/requests/parse-request.ts';
import { FanOutUnavailableError } from '../../lambdas/service/fan-out.ts';
import { DeadlineError, type Phase, processRecord } from '../../lambdas/service/process-record.ts';
import type {
  AssetListing,
  FlagUpdate,
  ReadQuery,
  RunQuery,
  RunSummary,
} from '../../lambdas/stores/detection-store.ts';
import { FileDetectionStore } from '../../lambdas/stores/file-store.ts';
import { tempDir, writeNdjson } from '../cli/detect-fake-io.ts';
import { CONFIG, fileStore, request, SENT } from '../handler/handler-fixtures.ts';
import { at, dailyDocuments } from '../stores/store-fixtures.ts';

let fixture: Awaited<ReturnType<typeof fileStore>>;
beforeEach(async () => {
  fixture = await fileStore();
});
afterEach(() => fixture.cleanup());

describe('processRecord(input, deps, hooks)', () => {
  it('parses, then reads, detects and writes each job in order, reporting through the hooks', async () => {
    const events: string[] = [];
    let parsed: readonly DetectionJob[] = [];
    const outcome = await processRecord(
      {
        messageId: 'm-1',
        body: '[{"assetName": "bitcoin", "date": "13-05-2022"}, {"assetName": "ethereum", "date": "14-05-2022"}]',
        sentTimestamp: SENT,
      },
      { config: CONFIG, store: fixture.store },
      {
        parsed: (jobs) => {
          parsed = jobs;
          events.push('parsed');
        },
        phase: async <T>(name: Phase, run: () => Promise<T>) => {
          events.push(name);
          return run();
        },
      },
    );
    expect(parsed.map((j) => [j.assets, j.asOf])).toEqual([
      [['bitcoin'], at('2022-05-14')],
      [['ethereum'], at('2022-05-15')],
    ]);
    // Per job: the guard read, the streamed batch, the end of the stream; then the writes.
    const perJob = ['read', 'read', 'detect', 'read', 'write'];
    expect(events).toEqual(['parsed', ...perJob, ...perJob]);
    expect(
      outcome.jobs.map((j) => [
        j.documentsRead,
        j.assetsEvaluated,
        j.flaggedValues,
        j.flagsWritten,
        j.runsUpserted,
      ]),
    ).toEqual([
      [7, 1, 1, 1, 1],
      [7, 1, 0, 0, 1],
    ]);
  });

  it('defaults asOf to the send time, so a retried message computes the same', async () => {
    const sentTimestamp = at('2022-05-15');
    const outcome = await processRecord(
      { messageId: 'm', body: JSON.stringify({ version: 1, assets: ['bitcoin'] }), sentTimestamp },
      { config: CONFIG, store: fixture.store },
    );
    expect(outcome.jobs[0]!.job.asOf).toBe(sentTimestamp);
  });

  it('lets the parser reject a bad body before touching the store', async () => {
    const events: string[] = [];
    await expect(
      processRecord(
        { messageId: 'm', body: request(['bitcoin'], { timeframes: [0] }), sentTimestamp: SENT },
        { config: CONFIG, store: fixture.store },
        {
          phase: async (name, run) => {
            events.push(name);
            return run();
          },
        },
      ),
    ).rejects.toBeInstanceOf(InvalidMessageError);
    expect(events).toEqual([]);
  });

  it('fans an all-asset request out into chunk requests with the same asOf and parameters, detecting nothing', async () => {
    const sent: string[] = [];
    const config = { ...CONFIG, fanOutChunkSize: 1 };
    const outcome = await processRecord(
      {
        messageId: 'm',
        body: JSON.stringify({ version: 1, asOf: '2022-05-15T00:00:00Z', deviationLimit: 2 }),
        sentTimestamp: SENT,
      },
      { config, store: fixture.store, requests: { send: async (bodies) => void sent.push(...bodies) } },
    );
    expect(outcome.jobs[0]).toMatchObject({ requestsSent: 2, documentsRead: 0, flagsWritten: 0 });
    expect(sent.map((b) => JSON.parse(b))).toEqual(
      ['bitcoin', 'ethereum'].map((asset) => ({
        version: 1,
        assets: [asset],
        asOf: '2022-05-15T00:00:00.000Z',
        timeframes: [3, 7],
        metrics: ['volume', 'latest_price'],
        deviationLimit: 2,
        mode: 'window',
      })),
    );
  });

  it('gives the listing of an all-asset request a time limit too', async () => {
    const limits: (number | undefined)[] = [];
    const store = {
      read: (q: ReadQuery) => fixture.store.read(q),
      findRuns: (q: RunQuery) => fixture.store.findRuns(q),
      listAssets: (r: AssetListing) => {
        limits.push(r.maxTimeMS);
        return fixture.store.listAssets(r);
      },
      writeFlags: (u: readonly FlagUpdate[]) => fixture.store.writeFlags(u),
      upsertRuns: (r: readonly RunSummary[]) => fixture.store.upsertRuns(r),
    };
    const outcome = await processRecord(
      {
        messageId: 'm',
        body: JSON.stringify({ version: 1, asOf: '2022-05-15T00:00:00Z' }),
        sentTimestamp: SENT,
      },
      { config: CONFIG, store, requests: { send: async () => {} }, remainingMs: () => 20_000 },
    );
    expect(outcome.jobs[0]!.requestsSent).toBeGreaterThan(0);
    expect(limits).toEqual([15_000]);
  });

  it('splits a request naming more assets than a chunk, and fails permanently where no queue is configured', async () => {
    const sent: string[] = [];
    const config = { ...CONFIG, fanOutChunkSize: 1 };
    const body = request(['ethereum', 'bitcoin']);
    const outcome = await processRecord(
      { messageId: 'm', body, sentTimestamp: SENT },
      { config, store: fixture.store, requests: { send: async (bodies) => void sent.push(...bodies) } },
    );
    expect(outcome.jobs[0]!.requestsSent).toBe(2);
    expect(sent.map((b) => JSON.parse(b).assets)).toEqual([['bitcoin'], ['ethereum']]);
    await expect(
      processRecord({ messageId: 'm', body, sentTimestamp: SENT }, { config, store: fixture.store }),
    ).rejects.toBeInstanceOf(FanOutUnavailableError);
  });

  it('gives the read and the run-summary query a time limit below the invocation time left, and starts no read without enough of it', async () => {
    const limits: (number | undefined)[] = [];
    const runLimits: (number | undefined)[] = [];
    const store = {
      ...fixture.store,
      read: (q: ReadQuery) => {
        limits.push(q.maxTimeMS);
        return fixture.store.read(q);
      },
      findRuns: (q: RunQuery) => {
        runLimits.push(q.maxTimeMS);
        return fixture.store.findRuns(q);
      },
      listAssets: (r: { from: number; to: number }) => fixture.store.listAssets(r),
      writeFlags: (u: readonly FlagUpdate[]) => fixture.store.writeFlags(u),
      upsertRuns: (r: readonly RunSummary[]) => fixture.store.upsertRuns(r),
    };
    const input = { messageId: 'm', body: request(['bitcoin']), sentTimestamp: SENT };
    await processRecord(input, { config: CONFIG, store, remainingMs: () => 30_000 });
    expect(limits).toEqual([25_000]);
    expect(runLimits).toEqual([25_000]);
    await expect(
      processRecord(input, { config: CONFIG, store, remainingMs: () => 5_500 }),
    ).rejects.toBeInstanceOf(DeadlineError);
  });

  it('rolling mode: a document arriving late is not judged by the next run, but by a backfill request', async () => {
    const docs = dailyDocuments(['bitcoin'], '2022-05-01', 20, (_a, d) => (d === 13 ? 1e6 : 100 + (d % 5)));
    const late = docs[13]!;
    const path = writeNdjson(
      tempDir(),
      'late.ndjson',
      docs.filter((d) => d !== late),
    );
    const rolling = async (asOf: string, extra: Record<string, unknown> = {}) => {
      const store = await FileDetectionStore.open(path, fixture.fields);
      try {
        const body = request(['bitcoin'], {
          mode: 'rolling',
          timeframes: [7],
          asOf: `${asOf}T00:00:00Z`,
          ...extra,
        });
        return (
          await processRecord(
            { messageId: asOf, body, sentTimestamp: SENT },
            { config: CONFIG, store, collectAnomalies: true },
          )
        ).jobs[0]!;
      } finally {
        await store.close();
      }
    };
    await rolling('2022-05-20');
    appendFileSync(path, `${JSON.stringify(late)}\n`);
    const next = await rolling('2022-05-21');
    expect([next.documentsRead, next.flaggedValues]).toEqual([8, 0]);
    const backfill = await rolling('2022-05-21', { backfillFrom: '2022-05-14T00:00:00Z' });
    expect(backfill.newFlags[7]).toBe(1);
    expect(backfill.anomalies).toContainEqual(
      expect.objectContaining({ time: at('2022-05-14'), metric: 'volume', direction: 'high', isNew: true }),
    );
  });
});
