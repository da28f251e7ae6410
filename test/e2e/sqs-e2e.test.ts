import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig, type ServiceConfig } from '../../lambdas/config/service-config.ts';
import {
  createSqsHandler,
  type RecordReport,
  RecordStatus,
} from '../../lambdas/handler/create-sqs-handler.ts';
import { SqsDeadLetterSink } from '../../lambdas/handler/dead-letter-sink.ts';
import { MAX_BODY_BYTES } from '../../lambdas/requests/request-schema.ts';
import { sendRequests } from '../../lambdas/requests/send-requests.ts';
import type {
  DetectionStore,
  FlagUpdate,
  ReadBatch,
  ReadQuery,
  RunSummary,
  WriteResult,
} from '../../lambdas/stores/detection-store.ts';
import { FileDetectionStore } from '../../lambdas/stores/file-store.ts';
import { TransientStoreError } from '../../lambdas/stores/store-errors.ts';
import { BAD_MESSAGES } from '../requests/bad-messages.ts';
import { announceSkip } from '../support/announce-skip.ts';
import {
  createQueuePair,
  type MotoServer,
  motoServerMissing,
  motoSqsClient,
  type QueuePair,
  startMotoServer,
} from '../support/moto-server.ts';
import { type PollStats, pollQueue, queueCounts, receiveAll, StopReason } from '../support/sqs-poller.ts';

/** The assets and dates of the store: the FTX collapse (November 2022) and the month after. */
const ASSETS = ['bitcoin', 'ethereum', 'ftx-token', 'solana'];
const FROM = '2022-11-01';
const TO = '2023-01-01';
const FIELDS = { assetField: 'coin_id', timeField: 'timestamp', anomaliesField: 'anomalies' };

/** Poison bodies SQS accepts (not empty, within its size limit): every one must be dead-lettered at once. */
const POISON = BAD_MESSAGES.filter((m) => m.body.length > 0 && Buffer.byteLength(m.body) <= MAX_BODY_BYTES);

/** A store that throws a transient error on its first `failures` reads (all of them for Infinity). */
class FlakyStore implements DetectionStore {
  reads = 0;
  readonly #inner: DetectionStore;
  readonly #failures: number;

  constructor(inner: DetectionStore, failures: number) {
    this.#inner = inner;
    this.#failures = failures;
  }

  async read(query: ReadQuery): Promise<ReadBatch> {
    if (this.reads++ < this.#failures) throw new TransientStoreError('connection reset by peer (simulated)');
    return this.#inner.read(query);
  }

  writeFlags(updates: readonly FlagUpdate[]): Promise<WriteResult> {
    return this.#inner.writeFlags(updates);
  }

  upsertRuns(runs: readonly RunSummary[]): Promise<void> {
    return this.#inner.upsertRuns(runs);
  }
}

/** A day of December 2022 as the Python producer wrote it, and as an ISO instant. */
const decemberDay = (day: number) => ({
  legacy: `${String(day).padStart(2, '0')}-12-2022`,
  iso: `2022-12-${String(day).padStart(2, '0')}T00:00:00Z`,
});

/**
 * 1000 request bodies: every 20th is poison, the others cycle through the
 * three accepted shapes over ten December days. All carry their own date, so
 * sending them again asks for exactly the same detections.
 */
function thousandBodies(): string[] {
  return Array.from({ length: 1000 }, (_, i) => {
    if (i % 20 === 19) return POISON[((i / 20) % POISON.length) | 0]!.body;
    const day = decemberDay(1 + ((i * 7) % 10));
    const asset = ASSETS[i % ASSETS.length]!;
    switch (i % 3) {
      case 0:
        return JSON.stringify({
          version: 1,
          assets: [asset, ASSETS[(i + 1) % ASSETS.length]],
          asOf: day.iso,
        });
      case 1:
        return JSON.stringify([{ assetName: asset, date: day.legacy }]);
      default:
        return JSON.stringify([{ date: day.legacy }]);
    }
  });
}

const missing = motoServerMissing();
announceSkip('SQS end to end on moto_server', missing);

describe.skipIf(missing)(`SQS end to end on moto_server${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let moto: MotoServer;
  let sqs: SQSClient;
  let dir: string;
  let sampleLines: string;
  let queueNumber = 0;
  const config: ServiceConfig = loadServiceConfig({ TIMEFRAMES: '3,7' });

  beforeAll(async () => {
    moto = await startMotoServer();
    sqs = motoSqsClient(moto.endpoint);
    dir = await mkdtemp(join(tmpdir(), 'riskfence-e2e-'));
    const sample = await readFile(
      new URL('../../sample/risk-scores-2022-2023.ndjson', import.meta.url),
      'utf8',
    );
    sampleLines = sample
      .split('\n')
      .filter((line) => {
        if (line === '') return false;
        const doc = JSON.parse(line) as { coin_id: string; timestamp: { $date: string } };
        const day = doc.timestamp.$date.slice(0, 10);
        return ASSETS.includes(doc.coin_id) && day >= FROM && day < TO;
      })
      .join('\n');
  });
  afterAll(async () => {
    sqs?.destroy();
    await moto?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A fresh data file of the selected sample documents, opened as a file store. */
  async function freshStore(): Promise<{ store: FileDetectionStore; path: string }> {
    const path = join(dir, `store-${++queueNumber}.ndjson`);
    await writeFile(path, `${sampleLines}\n`);
    return { store: await FileDetectionStore.open(path, FIELDS), path };
  }

  /** Queues, the real handler with the SQS dead-letter sink, and a log of what the handler saw. */
  async function deployment(
    store: DetectionStore,
    queue: { visibilityTimeout: number; maxReceiveCount: number },
    sinkUrl?: (queues: QueuePair) => string,
  ) {
    const queues: QueuePair = await createQueuePair(sqs, `e2e-${++queueNumber}`, queue);
    const reports: RecordReport[] = [];
    const receiveCounts = new Map<string, string[]>();
    const inner = createSqsHandler({
      config,
      store,
      deadLetters: new SqsDeadLetterSink(sqs, sinkUrl?.(queues) ?? queues.dlqUrl),
      onRecord: (r) => reports.push(r),
    });
    const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
      for (const r of event.Records) {
        receiveCounts.set(r.messageId, [
          ...(receiveCounts.get(r.messageId) ?? []),
          r.attributes.ApproximateReceiveCount,
        ]);
      }
      return inner(event, context);
    };
    const send = async (bodies: readonly string[]): Promise<string[]> => {
      const report = await sendRequests(sqs, queues.queueUrl, bodies);
      expect(report.failed).toEqual([]);
      return report.sent.map((s) => s.messageId);
    };
    const poll = (options: { concurrency?: number; maxMs?: number } = {}) =>
      pollQueue({ sqs, ...queues, handler, batchSize: 10, maxMs: 20_000, ...options });
    return { queues, reports, receiveCounts, send, poll };
  }

  const attribute = (m: Message, name: string) => m.MessageAttributes?.[name]?.StringValue;

  it('dead-letters every poison message at its first receive, with its reason and original body', async () => {
    const { store } = await freshStore();
    const d = await deployment(store, { visibilityTimeout: 1, maxReceiveCount: 3 });
    const ids = await d.send(POISON.map((p) => p.body));
    const stats = await d.poll();
    expect(stats).toMatchObject({ stopped: StopReason.Drained, itemFailures: 0, failedInvocations: 0 });
    expect(stats.deleted).toBe(POISON.length);
    for (const id of ids) expect(d.receiveCounts.get(id)).toEqual(['1']);

    const dead = await receiveAll(sqs, d.queues.dlqUrl);
    expect(dead).toHaveLength(POISON.length);
    const byOriginal = new Map(dead.map((m) => [attribute(m, 'originalMessageId'), m]));
    POISON.forEach((poison, i) => {
      const letter = byOriginal.get(ids[i]);
      expect(letter?.Body, poison.name).toBe(poison.body);
      expect(attribute(letter!, 'errorCode'), poison.name).toBe(poison.errorCode);
      expect(attribute(letter!, 'errorMessage'), poison.name).toMatch(poison.message);
    });
    expect(d.reports.every((r) => r.status === RecordStatus.DeadLettered)).toBe(true);
  });

  it('reports a poison message as failed when its dead letter cannot be sent, so SQS still redrives it', async () => {
    const { store } = await freshStore();
    const d = await deployment(
      store,
      { visibilityTimeout: 0, maxReceiveCount: 2 },
      () => `${moto.endpoint}/123456789012/gone`,
    );
    const bodies = ['not json', '{"version":2}', '{"version":1,"assets":["$where"]}'];
    const ids = await d.send(bodies);
    const stats = await d.poll();
    expect(stats).toMatchObject({ stopped: StopReason.Drained, deleted: 0 });
    for (const id of ids) expect(d.receiveCounts.get(id)).toEqual(['1', '2']);
    expect(d.reports.every((r) => r.status === RecordStatus.Failed)).toBe(true);
    const dead = await receiveAll(sqs, d.queues.dlqUrl);
    expect(dead.map((m) => m.Body).sort()).toEqual([...bodies].sort());
  });

  it.each([
    {
      failures: 2,
      retried: 'the two failed records (partial batch response)',
      itemFailures: 2,
      failedInvocations: 0,
    },
    {
      failures: 4,
      retried: 'the whole batch (every record failed: FullBatchFailureError)',
      itemFailures: 0,
      failedInvocations: 1,
    },
  ])(
    'retries transient store failures ($failures of 4 reads fail): SQS redelivers $retried, then all are processed',
    async ({ failures, itemFailures, failedInvocations }) => {
      const { store } = await freshStore();
      const d = await deployment(new FlakyStore(store, failures), {
        visibilityTimeout: 1,
        maxReceiveCount: 5,
      });
      const bodies = ASSETS.map((a) =>
        JSON.stringify({ version: 1, assets: [a], asOf: '2022-11-15T00:00:00Z' }),
      );
      const ids = await d.send(bodies);
      const stats = await d.poll();
      expect(stats).toMatchObject({
        stopped: StopReason.Drained,
        deleted: 4,
        itemFailures,
        failedInvocations,
      });
      const processed = d.reports.filter((r) => r.status === RecordStatus.Processed).map((r) => r.messageId);
      expect(processed.sort()).toEqual([...ids].sort());
      const deliveries = ids.map((id) => d.receiveCounts.get(id)!.join(',')).sort();
      expect(deliveries).toEqual(failures === 4 ? ['1,2', '1,2', '1,2', '1,2'] : ['1', '1', '1,2', '1,2']);
      expect(await queueCounts(sqs, d.queues.dlqUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    },
  );

  it('lets SQS redrive messages that always fail transiently to the DLQ after maxReceiveCount', async () => {
    const { store } = await freshStore();
    const d = await deployment(new FlakyStore(store, Number.POSITIVE_INFINITY), {
      visibilityTimeout: 0,
      maxReceiveCount: 3,
    });
    const bodies = Array.from({ length: 15 }, (_, i) =>
      JSON.stringify({ version: 1, assets: [ASSETS[i % 4]], asOf: decemberDay(1 + i).iso }),
    );
    const ids = await d.send(bodies);
    const stats = await d.poll();
    expect(stats.stopped).toBe(StopReason.Drained);
    expect(stats.deleted).toBe(0);
    for (const id of ids) expect(d.receiveCounts.get(id)).toEqual(['1', '2', '3']);
    const dead = await receiveAll(sqs, d.queues.dlqUrl);
    expect(dead.map((m) => m.Body).sort()).toEqual([...bodies].sort());
    // Redriven by SQS, not sent by the handler: no reason attributes.
    expect(dead.every((m) => attribute(m, 'errorCode') === undefined)).toBe(true);
  });

  it('loses nothing among 1000 messages, and a rerun of the same requests writes nothing new', async () => {
    const { store, path } = await freshStore();
    const bodies = thousandBodies();
    const poisonCount = bodies.filter((_, i) => i % 20 === 19).length;

    // moto's SendMessageBatch and ReceiveMessage scan the whole queue: waves of 100 keep every call cheap.
    const run = async () => {
      const d = await deployment(store, { visibilityTimeout: 30, maxReceiveCount: 3 });
      const ids: string[] = [];
      const waves: PollStats[] = [];
      for (let i = 0; i < bodies.length; i += 100) {
        ids.push(...(await d.send(bodies.slice(i, i + 100))));
        waves.push(await d.poll({ concurrency: 2, maxMs: 30_000 }));
      }
      const dead = await receiveAll(sqs, d.queues.dlqUrl);
      return { d, ids, waves, dead };
    };

    const first = await run();
    expect(first.waves.map((w) => w.stopped)).toEqual(Array(10).fill(StopReason.Drained));
    const processed = first.d.reports.filter((r) => r.status === RecordStatus.Processed);
    const deadLettered = first.d.reports.filter((r) => r.status === RecordStatus.DeadLettered);
    expect(first.d.reports.filter((r) => r.status === RecordStatus.Failed)).toEqual([]);
    expect(first.d.reports).toHaveLength(1000);
    expect(new Set(first.d.reports.map((r) => r.messageId))).toEqual(new Set(first.ids));
    expect(processed).toHaveLength(1000 - poisonCount);
    expect(deadLettered).toHaveLength(poisonCount);
    expect(first.dead).toHaveLength(poisonCount);
    expect(new Set(first.dead.map((m) => attribute(m, 'originalMessageId')))).toEqual(
      new Set(deadLettered.map((r) => r.messageId)),
    );
    const flagsWritten = (reports: RecordReport[]) =>
      reports.reduce((n, r) => n + (r.status === RecordStatus.Processed ? sumFlags(r) : 0), 0);
    expect(flagsWritten(first.d.reports)).toBeGreaterThan(0);

    const dataAfterFirst = await readFile(path, 'utf8');
    const runsAfterFirst = (await store.runs()).length;
    expect(dataAfterFirst).toMatch(/"anomalies":\{"d3":/);

    const second = await run();
    expect(second.waves.map((w) => w.stopped)).toEqual(Array(10).fill(StopReason.Drained));
    expect(second.d.reports.filter((r) => r.status === RecordStatus.Processed)).toHaveLength(
      1000 - poisonCount,
    );
    expect(second.dead).toHaveLength(poisonCount);
    expect(flagsWritten(second.d.reports)).toBe(0);
    expect(await readFile(path, 'utf8')).toBe(dataAfterFirst);
    expect((await store.runs()).length).toBe(runsAfterFirst);
  }, 180_000);
});

function sumFlags(report: RecordReport): number {
  return report.status === RecordStatus.Processed
    ? report.outcome.jobs.reduce((n, j) => n + j.flagsWritten, 0)
    : 0;
}
