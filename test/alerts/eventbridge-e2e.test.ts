import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../lambdas/config/service-config.ts';
import { DAY_MS } from '../../lambdas/core/detector-options.ts';
import { formatIso, toEpochMillis } from '../../lambdas/core/timestamp.ts';
import {
  createSqsHandler,
  type RecordReport,
  RecordStatus,
} from '../../lambdas/handler/create-sqs-handler.ts';
import { MemoryDeadLetterSink } from '../../lambdas/handler/dead-letter-sink.ts';
import {
  ALERT_EVENT,
  EventBridgeAlertPublisher,
  type EventsSender,
  MAX_PUT_EVENTS_ENTRIES,
} from '../../lambdas/handler/eventbridge-alert-publisher.ts';
import { type AlertDetail, alertDetail } from '../../lambdas/service/alerts.ts';
import type { Anomaly } from '../../lambdas/service/detect-job.ts';
import type { DetectionStore } from '../../lambdas/stores/detection-store.ts';
import { FileDetectionStore } from '../../lambdas/stores/file-store.ts';
import { readAll } from '../../lambdas/stores/read-all.ts';
import { tempDir, writeNdjson } from '../cli/detect-fake-io.ts';
import { dailyDocuments } from '../stores/store-fixtures.ts';
import { announceSkip } from '../support/announce-skip.ts';
import { createEventBus, motoEventsClient, receiveJson, routeToQueue } from '../support/moto-events.ts';
import {
  createQueuePair,
  type MotoServer,
  motoServerMissing,
  motoSqsClient,
  startMotoServer,
} from '../support/moto-server.ts';
import { type PollStats, pollQueue, StopReason } from '../support/sqs-poller.ts';
import { alertEventSchema, schemaErrors } from './schema-subset.ts';

/** Two metrics, the three default windows, alerts on for every new flag (the environment a deployment sets). */
const CONFIG = loadServiceConfig({ METRICS: 'volume,latest_price', TIMEFRAMES: '3,7,30', ALERTS: 'on' });
const AS_OF = '2022-05-15T00:00:00.000Z';
const FIRST_DAY = '2022-04-10';
const DAYS = 35;
/** The assets of the larger universe; the first two make the smaller one. */
const ASSETS = ['terra-luna', 'ftx-token', 'celsius', 'bitcoin', 'ethereum', 'solana'];
const FEW = ASSETS.slice(0, 2);
/** An asset without spikes: its request flags nothing and publishes nothing. */
const CALM = 'tether';

/**
 * Known spikes on a calm volume (100..104) and a latest_price no fence
 * catches: on the last day (2022-05-14) every other asset crashes to 1 and
 * the others jump to 1e6, and every third asset also jumps two days earlier;
 * any other asset stays calm.
 */
function volume(asset: string, day: number): number {
  const i = ASSETS.indexOf(asset);
  if (i < 0) return 100 + (day % 5);
  if (day === DAYS - 1) return i % 2 === 0 ? 1 : 1e6;
  if (day === DAYS - 3 && i % 3 === 1) return 5e5;
  return 100 + (day % 5);
}

const SCHEMA = alertEventSchema();

/** Publish retries without the production backoff: the faults here are injected, not throttling. */
const QUICK_RETRY = {
  attempts: 4,
  baseDelayMs: 1,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

/** An event as EventBridge delivered it to the target queue. */
interface DeliveredEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: AlertDetail;
}

/** What identifies a flag: the same text for a stored entry and for the alert of it. */
const flagText = (a: {
  asset: string;
  time: string;
  timeframe: string;
  metric: string;
  direction: string;
  score: number | null;
}) => `${a.asset} ${a.time} ${a.timeframe} ${a.metric} ${a.direction} ${a.score}`;

const alertText = (d: AlertDetail) => flagText({ ...d, timeframe: `d${d.timeframe}` });

/** Every flag entry the store holds, as {@link flagText}, sorted. */
async function storedFlags(store: DetectionStore): Promise<string[]> {
  const all = await readAll(store, { assets: null, from: 0, to: Date.parse('2030-01-01'), metrics: [] });
  const out: string[] = [];
  for (const doc of all.documents) {
    const { coin_id, timestamp, anomalies } = doc as {
      coin_id: string;
      timestamp: unknown;
      anomalies?: Record<string, Record<string, { direction: string; score: number | null }>>;
    };
    for (const [timeframe, metrics] of Object.entries(anomalies ?? {})) {
      for (const [metric, { direction, score }] of Object.entries(metrics)) {
        const time = formatIso(toEpochMillis(timestamp));
        out.push(flagText({ asset: coin_id, time, timeframe, metric, direction, score }));
      }
    }
  }
  return out.sort();
}

/** A request's assets and any other of its fields. */
interface RequestOptions {
  readonly assets: readonly string[];
  readonly asOf?: string;
  readonly mode?: 'window' | 'rolling';
}

/** How a {@link FaultySender} misbehaves. */
interface Faults {
  /** The entries at these positions (0-based) of this call (1-based) are answered as failed, without reaching the bus. */
  readonly failEntries?: { readonly call: number; readonly positions: readonly number[] };
  /** This call (1-based) throws, as a throttled or unreachable API does; `before` runs first. */
  readonly throwOn?: { readonly call: number; readonly before?: () => Promise<void> };
}

/** The real EventBridge client on moto with injected faults, recording the detail ids of every call. */
class FaultySender implements EventsSender {
  /** Detail ids of each call, in order, faulty calls included. */
  readonly calls: string[][] = [];
  /** Ids of the entries answered as failed. */
  readonly failed: string[] = [];
  readonly #events: EventBridgeClient;
  readonly #faults: Faults;

  constructor(events: EventBridgeClient, faults: Faults = {}) {
    this.#events = events;
    this.#faults = faults;
  }

  async send(command: PutEventsCommand): Promise<PutEventsCommandOutput> {
    const entries = command.input.Entries ?? [];
    this.calls.push(entries.map((e) => (JSON.parse(e.Detail!) as AlertDetail).id));
    const call = this.calls.length;
    const { throwOn, failEntries } = this.#faults;
    if (throwOn?.call === call) {
      await throwOn.before?.();
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    const failing = new Set(failEntries?.call === call ? failEntries.positions : []);
    const passed = entries.filter((_, i) => !failing.has(i));
    const output: PutEventsCommandOutput =
      passed.length === 0
        ? { Entries: [], FailedEntryCount: 0, $metadata: {} }
        : await this.#events.send(new PutEventsCommand({ ...command.input, Entries: passed }));
    const answers = [...(output.Entries ?? [])];
    const results = entries.map((entry, i) => {
      if (!failing.has(i)) return answers.shift()!;
      this.failed.push((JSON.parse(entry.Detail!) as AlertDetail).id);
      return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected' };
    });
    return { ...output, Entries: results, FailedEntryCount: (output.FailedEntryCount ?? 0) + failing.size };
  }
}

/** The deploy guide, whose alert routing snippets are run here as written. */
const DEPLOY_GUIDE = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'deploy.md'), 'utf8');

/** The content of a file the deploy guide writes with `cat > <name> <<'EOF'`. */
function docsFile(name: string): string {
  const body = new RegExp(`cat > ${name.replaceAll('.', '\\.')} <<'EOF'\n([\\s\\S]*?)\nEOF\n`).exec(
    DEPLOY_GUIDE,
  )?.[1];
  if (body === undefined) throw new Error(`docs/deploy.md writes no ${name}`);
  return body;
}

/** The example event of the deploy guide's "Alerts" section. */
function docsExample(): DeliveredEvent {
  const block = /```json\n(\{\n {2}"version": "0",[\s\S]*?)```/.exec(DEPLOY_GUIDE)?.[1];
  if (block === undefined) throw new Error('docs/deploy.md shows no example alert event');
  return JSON.parse(block) as DeliveredEvent;
}

/** The flag behind an alert event. */
const anomalyOf = ({ detail }: DeliveredEvent): Anomaly => ({
  ...detail,
  time: Date.parse(detail.time),
  ...detail.fences,
  isNew: true,
});

const missing = motoServerMissing();
announceSkip('alerts end to end on moto_server EventBridge', missing);

describe.skipIf(missing)(
  `alerts end to end on moto_server's EventBridge${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let moto: MotoServer;
    let sqs: SQSClient;
    let events: EventBridgeClient;
    let n = 0;
    const cleanups: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      moto = await startMotoServer();
      sqs = motoSqsClient(moto.endpoint);
      events = motoEventsClient(moto.endpoint);
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    afterAll(async () => {
      sqs?.destroy();
      events?.destroy();
      await moto?.stop();
    });

    /** A file store over the spiky documents of some assets; closed (its lock released) after the test. */
    async function openStore(assets: readonly string[]): Promise<FileDetectionStore> {
      const path = writeNdjson(tempDir(), 'docs.ndjson', dailyDocuments(assets, FIRST_DAY, DAYS, volume));
      const store = await FileDetectionStore.open(path, {
        assetField: 'coin_id',
        timeField: 'timestamp',
        anomaliesField: 'anomalies',
      });
      cleanups.push(async () => {
        await store.close();
        await rm(dirname(path), { recursive: true, force: true });
      });
      return store;
    }

    /**
     * A fresh bus with two rules, each targeting its own queue: every alert, and the 30-day ones only
     * (a detail filter); and a request queue the real handler consumes through the local event source,
     * publishing with the real publisher through `sender`.
     */
    async function deploy(store: DetectionStore, sender: (events: EventBridgeClient) => FaultySender) {
      const name = `alerts-${++n}`;
      await createEventBus(events, name);
      const alertPattern = { source: [ALERT_EVENT.source], 'detail-type': [ALERT_EVENT.detailType] };
      const all = await routeToQueue(events, sqs, {
        busName: name,
        name: `${name}-all`,
        pattern: alertPattern,
      });
      const thirty = await routeToQueue(events, sqs, {
        busName: name,
        name: `${name}-d30`,
        pattern: { ...alertPattern, detail: { timeframe: [30] } },
      });
      const requests = await createQueuePair(sqs, `${name}-requests`, {
        visibilityTimeout: 0,
        maxReceiveCount: 3,
      });
      const faulty = sender(events);
      const reports: RecordReport[] = [];
      const deadLetters = new MemoryDeadLetterSink();
      const handler = createSqsHandler({
        config: CONFIG,
        store,
        deadLetters,
        alerts: new EventBridgeAlertPublisher(faulty, name, QUICK_RETRY),
        onRecord: (report) => reports.push(report),
      });
      /** Sends one request per list of assets (as of {@link AS_OF} unless the options say), then polls until the queue is drained. */
      const request = async (
        ...requested: (readonly string[] | RequestOptions)[]
      ): Promise<{ messageIds: string[]; stats: PollStats }> => {
        const messageIds: string[] = [];
        for (const r of requested) {
          const body = JSON.stringify({ version: 1, asOf: AS_OF, ...('assets' in r ? r : { assets: r }) });
          const sent = await sqs.send(
            new SendMessageCommand({ QueueUrl: requests.queueUrl, MessageBody: body }),
          );
          messageIds.push(sent.MessageId!);
        }
        const stats = await pollQueue({ sqs, ...requests, handler, maxMs: 60_000 });
        expect(stats.stopped).toBe(StopReason.Drained);
        expect(deadLetters.entries).toEqual([]);
        return { messageIds, stats };
      };
      const delivered = async (queueUrl: string) => (await receiveJson(sqs, queueUrl)) as DeliveredEvent[];
      return { all, thirty, sender: faulty, reports, request, delivered };
    }

    const alertsPublished = (report: RecordReport | undefined) =>
      report?.status === RecordStatus.Processed
        ? report.outcome.jobs.reduce((s, j) => s + j.alertsPublished, 0)
        : -1;

    it('publishes one event per new flag, at most 10 a call, routed by pattern to the queues with the detail of the stored flag; a rerun publishes nothing', {
      timeout: 180_000,
    }, async () => {
      const store = await openStore(ASSETS);
      const d = await deploy(store, (e) => new FaultySender(e));
      const [messageId] = (await d.request(ASSETS)).messageIds;
      const stored = await storedFlags(store);
      // More alerts than one PutEvents call takes: moto refuses an 11th entry, so batching is exercised.
      expect(stored.length).toBeGreaterThan(MAX_PUT_EVENTS_ENTRIES);
      expect(d.sender.calls.map((c) => c.length)).toEqual([
        MAX_PUT_EVENTS_ENTRIES,
        stored.length - MAX_PUT_EVENTS_ENTRIES,
      ]);

      const all = await d.delivered(d.all.queueUrl);
      expect(all.flatMap((e) => schemaErrors(SCHEMA, e))).toEqual([]);
      expect(all.map((e) => alertText(e.detail)).sort()).toEqual(stored);
      expect(new Set(all.map((e) => e.detail.id)).size).toBe(all.length);
      for (const { source, 'detail-type': detailType, detail } of all) {
        expect([source, detailType]).toEqual(['riskfence', 'Anomaly detected']);
        expect(detail).toMatchObject({ asOf: AS_OF, mode: 'window', deviationLimit: 1.5, messageId });
        const day = (Date.parse(detail.time) - Date.parse(`${FIRST_DAY}T00:00:00Z`)) / DAY_MS;
        expect(detail.value, detail.id).toBe(volume(detail.asset, day));
        // Tukey's fences are q1 - k·IQR and q3 + k·IQR, so the IQR is their distance over 1 + 2k.
        const { lower, upper } = detail.fences;
        const iqr = (upper - lower) / (1 + 2 * detail.deviationLimit);
        const beyond = detail.direction === 'high' ? detail.value - upper : lower - detail.value;
        expect(beyond).toBeGreaterThan(0);
        expect(detail.score).toBeCloseTo(beyond / iqr, 9);
      }

      const thirty = await d.delivered(d.thirty.queueUrl);
      const expected30 = all.filter((e) => e.detail.timeframe === 30).map((e) => e.detail.id);
      expect(expected30.length).toBeGreaterThan(0);
      expect(expected30.length).toBeLessThan(all.length);
      expect(thirty.map((e) => e.detail.id).sort()).toEqual(expected30.sort());

      const rerun = await d.request(ASSETS);
      expect(alertsPublished(d.reports.at(-1))).toBe(0);
      expect(d.reports.at(-1)?.messageId).toBe(rerun.messageIds[0]);
      expect(d.sender.calls).toHaveLength(2);
      expect(await d.delivered(d.all.queueUrl)).toEqual([]);
      expect(await storedFlags(store)).toEqual(stored);
    });

    it('retries the PutEvents entries the bus answered as failed, and delivers every alert once', {
      timeout: 120_000,
    }, async () => {
      const store = await openStore(FEW);
      const d = await deploy(
        store,
        (e) => new FaultySender(e, { failEntries: { call: 1, positions: [0, 2] } }),
      );
      const { stats } = await d.request(FEW);
      expect(stats.itemFailures).toBe(0);
      const stored = await storedFlags(store);
      expect(stored.length).toBeGreaterThan(2);
      expect(d.sender.failed).toHaveLength(2);
      expect(d.sender.calls.slice(1)).toEqual([d.sender.failed]);
      const all = await d.delivered(d.all.queueUrl);
      expect(all.map((e) => alertText(e.detail)).sort()).toEqual(stored);
      expect(new Set(all.map((e) => e.detail.id)).size).toBe(all.length);
      expect(alertsPublished(d.reports.at(-1))).toBe(stored.length);
    });

    it.each([
      { call: 1, assets: FEW, what: 'the first PutEvents call throws: nothing reached the bus' },
      {
        call: 2,
        assets: ASSETS,
        what: 'the second PutEvents call throws: the first 10 alerts were delivered and are delivered again',
      },
    ])(
      'a publish failure after the flag writes leaves the record to SQS, whose retry delivers every alert ($what)',
      { timeout: 180_000 },
      async ({ call, assets }) => {
        const store = await openStore([...assets, CALM]);
        let atFailure: string[] = [];
        const d = await deploy(
          store,
          (e) =>
            new FaultySender(e, {
              throwOn: {
                call,
                before: async () => {
                  atFailure = await storedFlags(store);
                },
              },
            }),
        );
        // A calm record in the same batch succeeds, so the failed one is a partial batch failure, not a full one.
        const {
          messageIds: [messageId, calmId],
          stats,
        } = await d.request(assets, [CALM]);
        expect(stats).toMatchObject({ invocations: 2, itemFailures: 1, deleted: 2, failedInvocations: 0 });
        const reports = (id: string | undefined) => d.reports.filter((r) => r.messageId === id);
        expect(reports(calmId).map((r) => r.status)).toEqual([RecordStatus.Processed]);
        // SQS redelivered the failed record, and the retry succeeded.
        const [first, second] = reports(messageId);
        expect(reports(messageId).map((r) => r.status)).toEqual([
          RecordStatus.Failed,
          RecordStatus.Processed,
        ]);
        expect(first?.status === RecordStatus.Failed ? first.failure.code : undefined).toBe('ALERTS_FAILED');
        const stored = await storedFlags(store);
        // The flags were stored before the publish failed; the retry had nothing left to write.
        expect(atFailure).toEqual(stored);
        const retry = second?.status === RecordStatus.Processed ? second.outcome.jobs[0] : undefined;
        expect(retry?.flagsWritten).toBe(0);

        const all = await d.delivered(d.all.queueUrl);
        expect([...new Set(all.map((e) => alertText(e.detail)))].sort()).toEqual(stored);
        const copies = new Map<string, DeliveredEvent[]>();
        for (const e of all) copies.set(e.detail.id, [...(copies.get(e.detail.id) ?? []), e]);
        expect(copies.size).toBe(stored.length);
        // At least once: what the failed attempt delivered comes again, identical, id included.
        expect(all.length).toBe(stored.length + (call - 1) * MAX_PUT_EVENTS_ENTRIES);
        for (const same of copies.values())
          for (const copy of same) expect(copy.detail).toEqual(same[0]!.detail);
        expect(all.every((e) => e.detail.messageId === messageId)).toBe(true);
      },
    );

    it('in rolling mode alerts on the points each run judges for the first time, and on nothing judged before', {
      timeout: 120_000,
    }, async () => {
      const store = await openStore(FEW);
      const d = await deploy(store, (e) => new FaultySender(e));
      const dayBefore = '2022-05-14T00:00:00.000Z';
      await d.request({ assets: FEW, asOf: dayBefore, mode: 'rolling' });
      const before = await storedFlags(store);
      const first = await d.delivered(d.all.queueUrl);
      expect(first.map((e) => alertText(e.detail)).sort()).toEqual(before);
      expect(first.every((e) => e.detail.mode === 'rolling' && e.detail.asOf === dayBefore)).toBe(true);

      await d.request({ assets: FEW, mode: 'rolling' });
      const after = await storedFlags(store);
      const second = await d.delivered(d.all.queueUrl);
      // Only the last day was judged for the first time: its spikes, nothing the first run had already judged.
      expect(second.length).toBeGreaterThan(0);
      expect(second.map((e) => alertText(e.detail)).sort()).toEqual(after.filter((f) => !before.includes(f)));
      expect(second.every((e) => e.detail.time === '2022-05-14T00:00:00.000Z')).toBe(true);
      expect(after).toEqual(expect.arrayContaining(before));
    });

    it('routes as docs/deploy.md says: its e-mail pattern picks the severe or unscored 30-day alerts, its chat transformer writes a Slack message, its example is what riskfence publishes', {
      timeout: 120_000,
    }, async () => {
      const name = `docs-${++n}`;
      await createEventBus(events, name);
      const email = await routeToQueue(events, sqs, {
        busName: name,
        name: `${name}-email`,
        pattern: JSON.parse(docsFile('alert-rule-pattern.json')),
      });
      const chat = await routeToQueue(events, sqs, {
        busName: name,
        name: `${name}-chat`,
        pattern: { source: [ALERT_EVENT.source] },
        inputTransformer: JSON.parse(docsFile('chat-input-transformer.json')),
      });
      const example = docsExample();
      const run = { ...example.detail, asOf: Date.parse(example.detail.asOf) };
      const luna = alertDetail(anomalyOf(example), run);
      // The documented event is the one riskfence builds for it, id included.
      expect(luna).toEqual(example.detail);
      const milder = alertDetail({ ...anomalyOf(example), metric: 'volume', score: 1.25 }, run);
      const shorter = alertDetail({ ...anomalyOf(example), timeframe: 7 }, run);
      const unscored = alertDetail({ ...anomalyOf(example), metric: 'market_cap_score', score: null }, run);
      await new EventBridgeAlertPublisher(events, name).publish([luna, milder, shorter, unscored]);

      const emailed = (await receiveJson(sqs, email.queueUrl)) as DeliveredEvent[];
      expect(emailed.map((e) => e.detail.id).sort()).toEqual([luna.id, unscored.id].sort());
      const messages = (await receiveJson(sqs, chat.queueUrl)) as { text: string }[];
      const text = (d: AlertDetail) =>
        `riskfence: ${d.asset} ${d.metric} is ${d.direction} on its ${d.timeframe}-day window: ${d.value} at ${d.time} (fences ${d.fences.lower} to ${d.fences.upper}, score ${d.score}). Alert ${d.id}`;
      expect(messages.map((m) => Object.keys(m))).toEqual([['text'], ['text'], ['text'], ['text']]);
      // moto leaves a null field's placeholder as it is where EventBridge writes null: the unscored text is not compared.
      const texts = messages.map((m) => m.text).filter((t) => !t.includes(unscored.id));
      expect(texts.sort()).toEqual([luna, milder, shorter].map(text).sort());
      expect(DEPLOY_GUIDE.replace(/[*\s]+/g, ' ')).toContain(text(luna));
    });
  },
);
