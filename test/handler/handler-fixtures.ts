import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { loadServiceConfig } from '../../lambdas/config/service-config.ts';
import { sqsRecord } from '../../lambdas/handler/local-invocation.ts';
import type { DetectionStore, ReadQuery } from '../../lambdas/stores/detection-store.ts';
import { FileDetectionStore } from '../../lambdas/stores/file-store.ts';
import { TransientStoreError } from '../../lambdas/stores/store-errors.ts';
import { tempDir, writeNdjson } from '../cli/detect-fake-io.ts';
import { at, dailyDocuments } from '../stores/store-fixtures.ts';

/** Two metrics, 3- and 7-day windows: small enough to read in a failure message. */
export const CONFIG = loadServiceConfig({ METRICS: 'volume,latest_price', TIMEFRAMES: '3,7' });

/** When every test message is sent. */
export const SENT = at('2022-05-20');

/** An SQS event of `[messageId, body]` pairs, all sent at {@link SENT}. */
export function eventOf(...messages: [string, string][]): SQSEvent {
  return {
    Records: messages.map(([messageId, body]) => sqsRecord({ messageId, body, sentTimestamp: SENT })),
  };
}

/** A version-1 request body for some assets as of 2022-05-15. */
export function request(assets: string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 1, assets, asOf: '2022-05-15T00:00:00Z', ...extra });
}

/** A file store of bitcoin and ethereum, 14 days from 2022-05-01, with a bitcoin volume spike on 2022-05-13. */
export async function fileStore(): Promise<{
  store: FileDetectionStore;
  path: string;
  fields: { assetField: string; timeField: string; anomaliesField: string };
  cleanup: () => Promise<void>;
}> {
  const docs = dailyDocuments(['bitcoin', 'ethereum'], '2022-05-01', 14, (a, d) =>
    a === 'bitcoin' && d === 12 ? 1e6 : 100 + (d % 5),
  );
  const path = writeNdjson(tempDir(), 'docs.ndjson', docs);
  const fields = { assetField: 'coin_id', timeField: 'timestamp', anomaliesField: 'anomalies' };
  const store = await FileDetectionStore.open(path, fields);
  return {
    store,
    path,
    fields,
    cleanup: async () => {
      await store.close();
      await rm(dirname(path), { recursive: true, force: true });
    },
  };
}

/** Delegates to a store but fails transiently (as an unreachable MongoDB would) on reads naming `asset`. */
export function flakyFor(asset: string, store: DetectionStore, message = 'connection reset'): DetectionStore {
  return {
    read: (query: ReadQuery) =>
      query.assets?.includes(asset)
        ? failingRead(new TransientStoreError(`MongoNetworkError: ${message}`))
        : store.read(query),
    listAssets: (range) => store.listAssets(range),
    writeFlags: (updates) => store.writeFlags(updates),
    upsertRuns: (runs) => store.upsertRuns(runs),
    findRuns: (query) => store.findRuns(query),
  };
}

/** A read whose first batch fails with `error`. */
export async function* failingRead(error: Error): AsyncGenerator<never> {
  yield* [];
  throw error;
}
