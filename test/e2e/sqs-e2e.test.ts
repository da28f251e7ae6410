import { readFile } from 'node:fs/promises';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig, type ServiceConfig } from '../../lambdas/config/service-config.ts';
import { type RecordReport, RecordStatus } from '../../lambdas/handler/create-sqs-handler.ts';
import { MAX_BODY_BYTES } from '../../lambdas/requests/request-limits.ts';
import { BAD_MESSAGES } from '../requests/bad-messages.ts';
import { announceSkip } from '../support/announce-skip.ts';
import {
  type Deployment,
  type DeploymentOptions,
  deploy,
  sameQueue,
  sumOverJobs,
} from '../support/e2e-deployment.ts';
import { STORE_FIELDS, StoreFolder, sampleNdjson } from '../support/e2e-stores.ts';
import { processInAsOfOrder } from '../support/in-order-reference.ts';
import {
  type MotoServer,
  motoServerMissing,
  motoSqsClient,
  startMotoServer,
} from '../support/moto-server.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { type PollStats, queueCounts, receiveAll, StopReason } from '../support/sqs-poller.ts';
import { FlakyStore } from '../support/store-doubles.ts';
import { storedVerdicts, texts } from '../support/verdicts.ts';

/** The assets and dates of the store: the FTX collapse (November 2022) and the month after. */
const ASSETS = ['bitcoin', 'ethereum', 'ftx-token', 'solana'];

/** Poison bodies SQS accepts (not empty, within its size limit): every one must be dead-lettered at once. */
const POISON = BAD_MESSAGES.filter((m) => m.body.length > 0 && Buffer.byteLength(m.body) <= MAX_BODY_BYTES);

/** Seven metrics, 3- and 7-day windows. */
const CONFIG: ServiceConfig = loadServiceConfig({ TIMEFRAMES: '3,7' });

/**
 * One record at a time, as one consumer with batch concurrency 1 processes
 * them: delivery order, retries and repeated deliveries are then the only variables,
 * and SPEC section 1 promises the in-order result exactly. (Requests of
 * different asOfs processed at the very same moment may leave a verdict the
 * next run corrects: sqs-concurrency.test.ts.)
 */
const SEQUENTIAL: ServiceConfig = loadServiceConfig({ TIMEFRAMES: '3,7', RECORD_CONCURRENCY: '1' });

/** Messages sent at a time in the 1000-message test, each wave polled until the queue is drained. */
const WAVE = 20;

/** A day of December 2022 as the Python producer wrote it, and as an ISO instant. */
const decemberDay = (day: number) => ({
  legacy: `${String(day).padStart(2, '0')}-12-2022`,
  iso: `2022-12-${String(day).padStart(2, '0')}T00:00:00Z`,
});

/**
 * 1000 request bodies: every 20th is poison; of the others, half name two
 * assets (version 1), most of the rest one asset (the original producer's
 * `[{"assetName", "date"}]`), and one in twenty every asset (its
 * `[{"date"}]`, fanned out into a chunk request: few, as each costs a send),
 * over ten December days. All carry their own date, so sending them again
 * asks for exactly the same detections.
 */
function thousandBodies(): { body: string; poison: boolean }[] {
  return Array.from({ length: 1000 }, (_, i) => {
    if (i % 20 === 19) return { body: POISON[((i / 20) % POISON.length) | 0]!.body, poison: true };
    // Shapes cycle every 10 bodies; the day drifts by one every 10, so every shape meets many days.
    const day = decemberDay(1 + ((i * 7 + Math.floor(i / 10)) % 10));
    const asset = ASSETS[i % ASSETS.length]!;
    if (i % 10 < 5) {
      const pair = [asset, ASSETS[(i + 1) % ASSETS.length]];
      return { body: JSON.stringify({ version: 1, assets: pair, asOf: day.iso }), poison: false };
    }
    const item = i % 10 === 9 ? { date: day.legacy } : { assetName: asset, date: day.legacy };
    return { body: JSON.stringify([item]), poison: false };
  });
}

/** Fisher–Yates with a seeded generator: a different delivery order per run, the same on every test run. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The last report of each message id: how it ended. */
function lastReports(reports: readonly RecordReport[]): Map<string, RecordReport> {
  return new Map(reports.map((r) => [r.messageId, r]));
}

const missing = motoServerMissing();
announceSkip('SQS end to end on moto_server', missing);

describe.skipIf(missing)(`SQS end to end on moto_server${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let moto: MotoServer;
  let sqs: SQSClient;
  let folder: StoreFolder;
  let sample: string;
  let queueNumber = 0;

  beforeAll(async () => {
    moto = await startMotoServer();
    sqs = motoSqsClient(moto.endpoint);
    folder = await StoreFolder.create();
    sample = await sampleNdjson(ASSETS, '2022-11-01', '2023-01-01');
  });
  afterEach(() => folder.closeAll());
  afterAll(async () => {
    sqs?.destroy();
    await moto?.stop();
    await folder?.dispose();
  });

  const deployment = (options: Omit<DeploymentOptions, 'config'> & { config?: ServiceConfig }) =>
    deploy(sqs, `e2e-${++queueNumber}`, { config: CONFIG, ...options });

  const attribute = (m: Message, name: string) => m.MessageAttributes?.[name]?.StringValue;

  it('dead-letters every poison message at its first receive, with its reason and original body', async () => {
    const { store } = await folder.open(sample);
    const d = await deployment({ store, queue: { visibilityTimeout: 1, maxReceiveCount: 3 } });
    const ids = await d.send(POISON.map((p) => p.body));
    const stats = await d.poll();
    expect(stats).toMatchObject({ stopped: StopReason.Drained, itemFailures: 0, failedInvocations: 0 });
    expect(stats.deleted).toBe(POISON.length);
    for (const id of ids) expect(d.deliveries.get(id)?.receiveCounts).toEqual(['1']);

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
    const { store } = await folder.open(sample);
    const d = await deployment({
      store,
      queue: { visibilityTimeout: 0, maxReceiveCount: 2 },
      deadLetterQueueUrl: () => `${moto.endpoint}/123456789012/gone`,
    });
    const bodies = ['not json', '{"version":2}', '{"version":1,"assets":["$where"]}'];
    const ids = await d.send(bodies);
    const stats = await d.poll();
    expect(stats).toMatchObject({ stopped: StopReason.Drained, deleted: 0 });
    for (const id of ids) expect(d.deliveries.get(id)?.receiveCounts).toEqual(['1', '2']);
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
      const { store } = await folder.open(sample);
      const d = await deployment({
        store: new FlakyStore(store, (n) => n < failures),
        queue: { visibilityTimeout: 1, maxReceiveCount: 5 },
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
      const deliveries = ids.map((id) => d.deliveries.get(id)!.receiveCounts.join(',')).sort();
      expect(deliveries).toEqual(failures === 4 ? ['1,2', '1,2', '1,2', '1,2'] : ['1', '1', '1,2', '1,2']);
      expect(await queueCounts(sqs, d.queues.dlqUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    },
  );

  it('lets SQS redrive messages that always fail transiently to the DLQ after maxReceiveCount', async () => {
    const { store } = await folder.open(sample);
    const d = await deployment({
      store: new FlakyStore(store, () => true),
      queue: { visibilityTimeout: 0, maxReceiveCount: 3 },
    });
    const bodies = Array.from({ length: 15 }, (_, i) =>
      JSON.stringify({ version: 1, assets: [ASSETS[i % 4]], asOf: decemberDay(1 + i).iso }),
    );
    const ids = await d.send(bodies);
    const stats = await d.poll();
    expect(stats.stopped).toBe(StopReason.Drained);
    expect(stats.deleted).toBe(0);
    for (const id of ids) expect(d.deliveries.get(id)?.receiveCounts).toEqual(['1', '2', '3']);
    const dead = await receiveAll(sqs, d.queues.dlqUrl);
    expect(dead.map((m) => m.Body).sort()).toEqual([...bodies].sort());
    // Redriven by SQS, not sent by the handler: no reason attributes.
    expect(dead.every((m) => attribute(m, 'errorCode') === undefined)).toBe(true);
  });

  it('ends 1000 shuffled messages, retried and delivered twice, in the in-order verdicts; loses nothing; a rerun writes nothing', async () => {
    const { store, path } = await folder.open(sample);
    const bodies = thousandBodies();
    const poisonCount = bodies.filter((b) => b.poison).length;
    const random = seededRandom(20_221_201);
    // 5 % of reads fail (retried by SQS); 5 % of processed first deliveries are delivered again.
    const flaky = new FlakyStore(store, () => random() < 0.05);

    const run = async () => {
      const d: Deployment = await deployment({
        config: SEQUENTIAL,
        store: flaky,
        // Visibility 0 puts a failed record back at once; with one consumer nothing else can receive it meanwhile.
        queue: { visibilityTimeout: 0, maxReceiveCount: 5 },
        requests: sameQueue(sqs),
        loseResponse: (r) => r.attributes.ApproximateReceiveCount === '1' && random() < 0.05,
      });
      const order = shuffled(bodies, random);
      const poisonIds = new Set<string>();
      const acceptedIds = new Set<string>();
      const waves: PollStats[] = [];
      const readFailures = flaky.failures;
      // moto's ReceiveMessage costs O(queue length) per message it returns: short waves keep it cheap.
      for (let i = 0; i < order.length; i += WAVE) {
        const wave = order.slice(i, i + WAVE);
        const ids = await d.send(wave.map((b) => b.body));
        for (const [j, id] of ids.entries()) (wave[j]!.poison ? poisonIds : acceptedIds).add(id);
        waves.push(await d.poll({ concurrency: 1 }));
      }
      const dead = await receiveAll(sqs, d.queues.dlqUrl);
      return { d, poisonIds, acceptedIds, waves, dead, readFailures: flaky.failures - readFailures };
    };

    const first = await run();
    expect(first.waves.map((w) => w.stopped)).toEqual(Array(1000 / WAVE).fill(StopReason.Drained));
    // The run did retry and deliver twice: otherwise this test would prove less than its name says.
    const failed = first.d.reports.filter((r) => r.status === RecordStatus.Failed);
    expect(failed.length).toBe(first.readFailures);
    expect(failed.length).toBeGreaterThan(0);
    expect(first.d.lostResponses.length).toBeGreaterThan(0);

    // Nothing lost: every poison message dead-lettered once with its reason, everything else processed.
    const ended = lastReports(first.d.reports);
    for (const id of first.poisonIds) {
      expect(first.d.reports.filter((r) => r.messageId === id).map((r) => r.status)).toEqual([
        RecordStatus.DeadLettered,
      ]);
    }
    expect(first.dead).toHaveLength(poisonCount);
    expect(new Set(first.dead.map((m) => attribute(m, 'originalMessageId')))).toEqual(first.poisonIds);
    expect(first.dead.every((m) => attribute(m, 'errorCode') !== undefined)).toBe(true);
    const chunkIds = [...first.d.deliveries.keys()].filter(
      (id) => !first.poisonIds.has(id) && !first.acceptedIds.has(id),
    );
    expect(chunkIds).toHaveLength(sumOverJobs(first.d.reports, (j) => j.requestsSent));
    expect(chunkIds.length).toBeGreaterThan(0);
    for (const id of [...first.acceptedIds, ...chunkIds])
      expect(ended.get(id)?.status).toBe(RecordStatus.Processed);

    // The same verdicts, and the same evaluations recorded, as in-order processing of the same requests.
    const reference = await folder.open(sample);
    await processInAsOfOrder(
      bodies.map((b) => b.body),
      { config: SEQUENTIAL, store: reference.store },
    );
    const verdicts = texts(await storedVerdicts(store, STORE_FIELDS));
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts).toEqual(texts(await storedVerdicts(reference.store, STORE_FIELDS)));
    const runsAfterFirst = (await store.runs()).length;
    expect(runsAfterFirst).toBe((await reference.store.runs()).length);

    // A rerun, in another order with other retries and repeated deliveries, writes no flag.
    const dataAfterFirst = await readFile(path, 'utf8');
    const second = await run();
    expect(second.waves.map((w) => w.stopped)).toEqual(Array(1000 / WAVE).fill(StopReason.Drained));
    const secondEnded = lastReports(second.d.reports);
    for (const id of second.acceptedIds) expect(secondEnded.get(id)?.status).toBe(RecordStatus.Processed);
    expect(second.dead).toHaveLength(poisonCount);
    expect(sumOverJobs(second.d.reports, (j) => j.flagsWritten)).toBe(0);
    expect(await readFile(path, 'utf8')).toBe(dataAfterFirst);
    expect((await store.runs()).length).toBe(runsAfterFirst);
  }, 120_000);
});
