import { readFile } from 'node:fs/promises';
import type { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig, type ServiceConfig } from '../../lambdas/config/service-config.ts';
import { type RecordReport, RecordStatus } from '../../lambdas/handler/create-sqs-handler.ts';
import { SqsRequestSink } from '../../lambdas/handler/sqs-request-sink.ts';
import type { RequestV1 } from '../../lambdas/requests/request-schema.ts';
import type { BatchSender } from '../../lambdas/requests/send-requests.ts';
import { ServiceErrorCode } from '../../lambdas/service/failure-policy.ts';
import { announceSkip } from '../support/announce-skip.ts';
import { type Deployment, deploy, sameQueue, sumOverJobs } from '../support/e2e-deployment.ts';
import { STORE_FIELDS, StoreFolder, universeAsset, universeNdjson } from '../support/e2e-stores.ts';
import { processInAsOfOrder } from '../support/in-order-reference.ts';
import {
  type MotoServer,
  motoServerMissing,
  motoSqsClient,
  startMotoServer,
} from '../support/moto-server.ts';
import { queueCounts, receiveAll, StopReason } from '../support/sqs-poller.ts';
import { storedVerdicts, texts } from '../support/verdicts.ts';

/** A week of daily documents per asset; the all-asset request is as of the day after. */
const FIRST_DAY = '2022-12-01';
const DAYS = 7;
const AS_OF = '2022-12-08T00:00:00.000Z';
const ALL_ASSETS = JSON.stringify({ version: 1, asOf: AS_OF });

/** Two metrics keep 3000 assets' run summaries small; the fan-out does not depend on them. */
const configWith = (chunkSize: number): ServiceConfig =>
  loadServiceConfig({
    METRICS: 'volume,latest_price',
    TIMEFRAMES: '3,7',
    FAN_OUT_CHUNK_SIZE: String(chunkSize),
  });

const EMPTY = { visible: 0, inFlight: 0, delayed: 0 };

/** The chunk requests a deployment saw: every delivered message that was not sent by the test. */
function chunkDeliveries(d: Deployment, sent: readonly string[]): { id: string; body: RequestV1 }[] {
  return [...d.deliveries]
    .filter(([id]) => !sent.includes(id))
    .map(([id, delivery]) => ({ id, body: JSON.parse(delivery.body) as RequestV1 }));
}

const reportsOf = (d: Deployment, id: string): RecordReport[] => d.reports.filter((r) => r.messageId === id);

/**
 * An SQS client whose `call`-th SendMessageBatch fails as a dropped connection does, once: a fan-out
 * cut off after its first ten chunk requests.
 */
function cutOffAt(call: number, sqs: SQSClient): BatchSender {
  let calls = 0;
  return {
    send: (command: SendMessageBatchCommand) =>
      ++calls === call ? Promise.reject(new Error('socket hang up (simulated)')) : sqs.send(command),
  };
}

const missing = motoServerMissing();
announceSkip('fan-out of all-asset requests on moto_server', missing);

describe.skipIf(missing)(
  `fan-out of all-asset requests on moto_server${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let moto: MotoServer;
    let sqs: SQSClient;
    let folder: StoreFolder;

    beforeAll(async () => {
      moto = await startMotoServer();
      sqs = motoSqsClient(moto.endpoint);
      folder = await StoreFolder.create();
    });
    afterEach(() => folder.closeAll());
    afterAll(async () => {
      sqs?.destroy();
      await moto?.stop();
      await folder?.dispose();
    });

    it('fans an all-asset request over 3000 assets out into ceil(3000 / 250) chunk requests on its own queue, each asset evaluated once, nothing lost; redelivered chunks write nothing', async () => {
      const assets = 3000;
      const chunkSize = 250;
      const config = configWith(chunkSize);
      const universe = universeNdjson(assets, FIRST_DAY, DAYS);
      const names = Array.from({ length: assets }, (_, i) => universeAsset(i));
      const { store, path } = await folder.open(universe);
      const d = await deploy(sqs, 'fan-out', {
        config,
        store,
        queue: { visibilityTimeout: 30, maxReceiveCount: 3 },
        requests: sameQueue(sqs),
      });

      const sent = await d.send([ALL_ASSETS]);
      expect(await d.poll({ concurrency: 2 })).toMatchObject({
        stopped: StopReason.Drained,
        itemFailures: 0,
        failedInvocations: 0,
      });

      // The all-asset record detected nothing itself and sent one request per chunk.
      const [fanOut, ...again] = reportsOf(d, sent[0]!);
      expect(again).toEqual([]);
      expect(fanOut?.status).toBe(RecordStatus.Processed);
      const chunks = chunkDeliveries(d, sent);
      expect(chunks).toHaveLength(Math.ceil(assets / chunkSize));
      expect(sumOverJobs([fanOut!], (j) => j.requestsSent)).toBe(chunks.length);
      expect(sumOverJobs([fanOut!], (j) => j.assetsEvaluated)).toBe(0);

      // The chunks cover every asset exactly once, each with the request's asOf, and ran once each.
      for (const c of chunks) {
        expect(c.body).toMatchObject({ asOf: AS_OF, timeframes: [3, 7], mode: 'window' });
        expect(c.body.assets!.length).toBeLessThanOrEqual(chunkSize);
        expect(d.deliveries.get(c.id)?.receiveCounts).toEqual(['1']);
        expect(reportsOf(d, c.id).map((r) => r.status)).toEqual([RecordStatus.Processed]);
      }
      expect(chunks.flatMap((c) => c.body.assets!).sort()).toEqual(names);
      const chunkReports = chunks.flatMap((c) => reportsOf(d, c.id));
      expect(sumOverJobs(chunkReports, (j) => j.assetsEvaluated)).toBe(assets);

      // One run summary per asset, by the chunk that named it.
      const runs = await store.runs();
      expect(runs).toHaveLength(assets);
      const chunkOf = new Map(chunks.flatMap((c) => c.body.assets!.map((a) => [a, c.id] as const)));
      for (const run of runs) expect(run.messageId).toBe(chunkOf.get(String(run.asset)));

      // Nothing lost: the flags of one in-process, in-order run of the same request.
      const reference = await folder.open(universe);
      await processInAsOfOrder([ALL_ASSETS], { config, store: reference.store });
      const verdicts = texts(await storedVerdicts(store, STORE_FIELDS));
      expect(verdicts.length).toBeGreaterThan(0);
      expect(verdicts).toEqual(texts(await storedVerdicts(reference.store, STORE_FIELDS)));

      // The same chunks again, as a retried fan-out sends them: no flag written, no summary added.
      const data = await readFile(path, 'utf8');
      const before = d.reports.length;
      const resent = await d.send(chunks.map((c) => JSON.stringify(c.body)));
      expect(await d.poll({ concurrency: 2 })).toMatchObject({
        stopped: StopReason.Drained,
        itemFailures: 0,
      });
      const redelivered = d.reports.slice(before);
      expect(new Set(redelivered.map((r) => r.messageId))).toEqual(new Set(resent));
      expect(redelivered.every((r) => r.status === RecordStatus.Processed)).toBe(true);
      expect(sumOverJobs(redelivered, (j) => j.assetsEvaluated)).toBe(assets);
      expect(sumOverJobs(redelivered, (j) => j.flagsWritten)).toBe(0);
      expect(await readFile(path, 'utf8')).toBe(data);
      expect(await store.runs()).toHaveLength(assets);
      expect(await queueCounts(sqs, d.queues.dlqUrl)).toEqual(EMPTY);
    }, 60_000);

    it('leaves an all-asset request whose fan-out cannot reach its queue for SQS to retry (batchItemFailures), then to redrive to the DLQ, having detected nothing', async () => {
      const config = configWith(25);
      const { store } = await folder.open(universeNdjson(300, FIRST_DAY, DAYS));
      const d = await deploy(sqs, 'fan-out-nowhere', {
        config,
        store,
        queue: { visibilityTimeout: 0, maxReceiveCount: 2 },
        requests: () => new SqsRequestSink(sqs, `${moto.endpoint}/123456789012/no-such-queue`),
      });
      const named = JSON.stringify({ version: 1, assets: [universeAsset(0)], asOf: AS_OF });
      const [allId, namedId] = await d.send([ALL_ASSETS, named]);

      const stats = await d.poll();
      expect(stats.stopped).toBe(StopReason.Drained);
      // First receive: a partial batch response naming the fan-out; second: it alone, so the whole batch.
      expect(stats).toMatchObject({ itemFailures: 1, failedInvocations: 1, deleted: 1 });
      expect(d.deliveries.get(allId!)?.receiveCounts).toEqual(['1', '2']);
      const failures = reportsOf(d, allId!).map((r) =>
        r.status === RecordStatus.Failed ? r.failure : r.status,
      );
      expect(failures).toEqual([
        expect.objectContaining({ kind: 'transient', code: ServiceErrorCode.FanOutFailed }),
        expect.objectContaining({ kind: 'transient', code: ServiceErrorCode.FanOutFailed }),
      ]);
      expect(reportsOf(d, namedId!).map((r) => r.status)).toEqual([RecordStatus.Processed]);

      // Never half-silent: no chunk was detected, and the request is in the DLQ with its original body.
      expect(chunkDeliveries(d, [allId!, namedId!])).toEqual([]);
      expect((await store.runs()).map((r) => r.asset)).toEqual([universeAsset(0)]);
      const dead = await receiveAll(sqs, d.queues.dlqUrl);
      expect(dead.map((m) => m.Body)).toEqual([ALL_ASSETS]);
      expect(await queueCounts(sqs, d.queues.queueUrl)).toEqual(EMPTY);
    });

    it('retries a fan-out cut off halfway (its second SendMessageBatch fails) whole: every chunk is sent again, and the result is that of one clean fan-out', async () => {
      const config = configWith(25);
      const universe = universeNdjson(300, FIRST_DAY, DAYS);
      const { store } = await folder.open(universe);
      const d = await deploy(sqs, 'fan-out-cut', {
        config,
        store,
        queue: { visibilityTimeout: 0, maxReceiveCount: 3 },
        requests: (queues) => new SqsRequestSink(cutOffAt(2, sqs), queues.queueUrl),
      });
      const sent = await d.send([ALL_ASSETS]);
      expect(await d.poll()).toMatchObject({ stopped: StopReason.Drained });

      const attempts = reportsOf(d, sent[0]!);
      expect(attempts.map((r) => r.status)).toEqual([RecordStatus.Failed, RecordStatus.Processed]);
      expect(attempts[0]).toMatchObject({
        failure: { kind: 'transient', code: ServiceErrorCode.FanOutFailed },
      });
      expect(sumOverJobs(attempts, (j) => j.requestsSent)).toBe(12);
      // The ten chunks sent before the cut, and all twelve of the retry: every one processed.
      const chunks = chunkDeliveries(d, sent);
      expect(chunks).toHaveLength(10 + 12);
      expect(new Set(chunks.map((c) => JSON.stringify(c.body))).size).toBe(12);
      for (const c of chunks) expect(reportsOf(d, c.id).at(-1)?.status).toBe(RecordStatus.Processed);

      const reference = await folder.open(universe);
      await processInAsOfOrder([ALL_ASSETS], { config, store: reference.store });
      expect(texts(await storedVerdicts(store, STORE_FIELDS))).toEqual(
        texts(await storedVerdicts(reference.store, STORE_FIELDS)),
      );
      expect(await store.runs()).toHaveLength(300);
      expect(await queueCounts(sqs, d.queues.dlqUrl)).toEqual(EMPTY);
    });
  },
);
