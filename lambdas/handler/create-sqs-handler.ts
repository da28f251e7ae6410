import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ServiceConfig } from '../config/service-config.ts';
import { formatIso } from '../core/timestamp.ts';
import type { DetectionJob } from '../requests/parse-request.ts';
import { AlertPublishError, type AlertPublisher } from '../service/alerts.ts';
import { classifyFailure, type Failure, FailureKind } from '../service/failure-policy.ts';
import type { RequestSink } from '../service/fan-out.ts';
import { type Phase, processRecord, type RecordOutcome } from '../service/process-record.ts';
import type { DetectionStore } from '../stores/detection-store.ts';
import { BatchTally } from './batch-metrics.ts';
import { concurrencyLimit } from './concurrency-limit.ts';
import type { DeadLetterSink } from './dead-letter-sink.ts';
import { MetricName } from './metric-name.ts';

/** How a record ended. */
export const RecordStatus = {
  /** Detection ran; flags and run summaries written. */
  Processed: 'processed',
  /** Permanent failure, sent to the dead-letter sink; not retried. */
  DeadLettered: 'dead-lettered',
  /** Reported in `batchItemFailures` (transient, or the dead-letter send failed). */
  Failed: 'failed',
} as const;
/** One of {@link RecordStatus}. */
export type RecordStatus = (typeof RecordStatus)[keyof typeof RecordStatus];

/** What happened to one record; see {@link HandlerDeps.onRecord}. */
export type RecordReport =
  | { readonly messageId: string; readonly status: 'processed'; readonly outcome: RecordOutcome }
  | { readonly messageId: string; readonly status: 'dead-lettered' | 'failed'; readonly failure: Failure };

/** Everything the handler needs; built once per execution environment. */
export interface HandlerDeps {
  readonly config: ServiceConfig;
  /** The store, or a factory called per record until it resolves (a rejection fails that record transiently). */
  readonly store: DetectionStore | (() => Promise<DetectionStore>);
  readonly deadLetters: DeadLetterSink;
  /**
   * The batch processor. The Lambda entry creates one at module scope, as Powertools recommends: an
   * execution environment runs one invocation at a time.
   * @default a new one per invocation, so overlapping local invocations (several pollers) never share its state
   */
  readonly processor?: BatchProcessor;
  readonly logger?: Logger;
  /** Published once per invocation; omit to emit no metrics (local runs). */
  readonly metrics?: Metrics;
  readonly tracer?: Tracer;
  /** Called once per record with its outcome (local commands summarise with it). */
  readonly onRecord?: (report: RecordReport) => void;
  /** Where all-asset requests fan out to (the function's own queue; an in-process queue locally). */
  readonly requests?: RequestSink;
  /** Keep every flagged value in the outcomes (local commands print them). @default false */
  readonly collectAnomalies?: boolean;
  /** Where alerts go when `config.alerts` is on (EventBridge in AWS). @default no alerts */
  readonly alerts?: AlertPublisher;
}

/** Thrown for a permanently failed record whose dead letter could not be sent: SQS retries it, then redrives it. */
export class DeadLetterSendError extends Error {
  override readonly name = 'DeadLetterSendError';
}

/**
 * Builds the SQS Lambda handler (SPEC sections 3 to 5) with Powertools'
 * `BatchProcessor` and partial batch responses.
 *
 * Records are processed in parallel, each independently:
 * - processed: detection ran and the changed flags were written;
 * - permanent failure (bad message, rejected parameters, store rejection):
 *   sent at once to the dead-letter sink with `errorCode`/`errorMessage`,
 *   logged, counted in `InvalidMessages`, and not reported as a failure —
 *   unless the send fails, then it is reported so that SQS redrives it;
 * - transient failure (store unavailable, anything unexpected): reported in
 *   `batchItemFailures` for SQS to retry.
 * When every record failed, Powertools throws `FullBatchFailureError`, so
 * Lambda backs off.
 *
 * Every log line of a record carries `messageId` (and, once parsed,
 * `assetCount` and `asOf`). Each record gets a trace subsegment with `read`,
 * `detect` and `write` inside. Metrics are published once per invocation.
 *
 * @param deps - configuration, store, dead-letter sink and Powertools utilities
 * @returns the handler
 *
 * @example
 * export const handler = createSqsHandler({ config, store: () => storePromise, deadLetters, logger, metrics, tracer });
 */
export function createSqsHandler(
  deps: HandlerDeps,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const resolveStore = memoizeStore(deps.store, deps.logger, deps.metrics);
  const limited = concurrencyLimit(deps.config.recordConcurrency);
  let invocations = 0;
  return async (event, context) => {
    // Powertools' rule (only on-demand environments start cold), decided once per invocation: each
    // record's child logger is a new Powertools utility that would otherwise call every invocation cold.
    const coldStart =
      invocations++ === 0 && process.env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim() === 'on-demand';
    const processor = deps.processor ?? new BatchProcessor(EventType.SQS);
    const tally = new BatchTally();
    deps.logger?.addContext(context);
    deps.metrics?.captureColdStartMetric(context.functionName);
    const tracer = deps.tracer?.isTracingEnabled() ? deps.tracer : undefined;
    const handleRecord = (record: SQSRecord): Promise<void> =>
      limited(() => inSubsegment('## record', record));
    // `captureAsyncFunc` makes the record's subsegment current for everything it awaits, so the SDK calls
    // captured by the tracer (dead letters, fan-out, alerts, the secret) attach under their record.
    const inSubsegment = (name: string, record: SQSRecord): Promise<void> =>
      tracer
        ? (tracer.provider.captureAsyncFunc(
            name,
            (segment) => handleOne(record, segment),
            handlerSegment,
          ) as Promise<void>)
        : handleOne(record, undefined);
    let handlerSegment: Segment | undefined;
    const handleOne = async (record: SQSRecord, segment: Segment | undefined): Promise<void> => {
      let logger = deps.logger?.createChild({
        persistentKeys: { messageId: record.messageId, cold_start: coldStart },
      });
      segment?.addAnnotation('messageId', record.messageId);
      const phases = new PhaseSegments(segment);
      try {
        const outcome = await processRecord(
          { messageId: record.messageId, body: record.body, sentTimestamp: sentTimestampOf(record) },
          {
            config: deps.config,
            store: await resolveStore(),
            ...(deps.requests ? { requests: deps.requests } : {}),
            remainingMs: () => context.getRemainingTimeInMillis(),
            collectAnomalies: deps.collectAnomalies ?? false,
            ...(deps.alerts && deps.config.alerts.enabled
              ? { alerts: { policy: deps.config.alerts, publisher: deps.alerts } }
              : {}),
          },
          {
            parsed: (jobs) => {
              logger = logger?.createChild({ persistentKeys: jobKeys(jobs) });
            },
            phase: <T>(name: Phase, run: () => Promise<T>) => phases.run(name, run),
          },
        );
        tally.processed(outcome);
        for (const warning of outcome.jobs.flatMap((j) => j.warnings)) logger?.warn(warning);
        logger?.info('record processed', summarise(outcome));
        deps.onRecord?.({ messageId: record.messageId, status: RecordStatus.Processed, outcome });
      } catch (error) {
        const failure = classifyFailure(error);
        if (error instanceof AlertPublishError) tally.alertsFailed += error.failed;
        segment?.addError(failure.message);
        if (failure.kind === FailureKind.Permanent) {
          try {
            await deps.deadLetters.send(record, failure);
          } catch (sendError) {
            tally.recordsFailed++;
            const reason = classifyFailure(sendError).message;
            logger?.error('dead-letter send failed; record left for SQS to redrive', {
              errorCode: failure.code,
              errorMessage: failure.message,
              sendError: reason,
            });
            deps.onRecord?.({ messageId: record.messageId, status: RecordStatus.Failed, failure });
            throw new DeadLetterSendError(`cannot dead-letter ${record.messageId}: ${reason}`);
          }
          tally.invalidMessages++;
          logger?.warn('record dead-lettered', { errorCode: failure.code, errorMessage: failure.message });
          deps.onRecord?.({ messageId: record.messageId, status: RecordStatus.DeadLettered, failure });
          return;
        }
        tally.recordsFailed++;
        logger?.error('record failed; SQS will retry it', {
          errorCode: failure.code,
          errorMessage: failure.message,
        });
        deps.onRecord?.({ messageId: record.messageId, status: RecordStatus.Failed, failure });
        throw error;
      } finally {
        phases.close();
        segment?.close();
      }
    };
    const facade = tracer?.getSegment();
    handlerSegment = facade?.addNewSubsegment('## handler');
    if (tracer && handlerSegment) {
      tracer.setSegment(handlerSegment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      return await processPartialResponse(event, handleRecord, processor, { context });
    } finally {
      if (handlerSegment && facade) {
        handlerSegment.close();
        tracer?.setSegment(facade);
      }
      if (deps.metrics) {
        tally.emit(deps.metrics);
        deps.metrics.publishStoredMetrics();
      }
    }
  };
}

type Segment = NonNullable<ReturnType<Tracer['getSegment']>>;

/**
 * One subsegment per phase of a record, opened at the phase's first step and closed with the record:
 * a streamed read alternates read, detect and write steps per group of assets, and a subsegment per
 * step would flood the trace.
 */
class PhaseSegments {
  readonly #parent: Segment | undefined;
  readonly #open = new Map<Phase, Segment>();

  constructor(parent: Segment | undefined) {
    this.#parent = parent;
  }

  async run<T>(name: Phase, run: () => Promise<T>): Promise<T> {
    let sub = this.#open.get(name);
    if (!sub && this.#parent) {
      sub = this.#parent.addNewSubsegment(name);
      this.#open.set(name, sub);
    }
    try {
      return await run();
    } catch (e) {
      sub?.addError(e as Error);
      throw e;
    }
  }

  close(): void {
    for (const sub of this.#open.values()) sub.close();
  }
}

/**
 * A store factory is retried on the next record after a rejection, and called once after it
 * resolves. Once per execution environment the store's indexes are checked: a missing one is
 * logged and counted (`MissingIndexes`), not fatal, since reads still work (slowly) without it.
 */
function memoizeStore(
  store: HandlerDeps['store'],
  logger: Logger | undefined,
  metrics: Metrics | undefined,
): () => Promise<DetectionStore> {
  let pending: Promise<DetectionStore> | undefined;
  const create = async () => {
    const created = typeof store === 'function' ? await store() : store;
    // A failed check (e.g. a user without listIndexes) must not fail the records, but must be said.
    const missing =
      (await created.missingIndexes?.().catch((e: unknown) => {
        logger?.warn('could not check the indexes', { error: classifyFailure(e).message });
        return [];
      })) ?? [];
    if (missing.length > 0) {
      logger?.warn(
        'indexes missing: reads sort in memory and may fail on large ranges; run riskfence mongo-init',
        {
          missing,
        },
      );
      metrics?.addMetric(MetricName.MissingIndexes, MetricUnit.Count, missing.length);
    }
    return created;
  };
  return () => {
    pending ??= create().catch((e: unknown) => {
      pending = undefined;
      throw e;
    });
    return pending;
  };
}

/** `SentTimestamp`, which SQS always sets; a hand-written event without it is read as sent now. */
function sentTimestampOf(record: SQSRecord): number {
  const sent = Number(record.attributes?.SentTimestamp);
  return Number.isFinite(sent) ? sent : Date.now();
}

/** The log keys of a parsed record: how many assets it names (`'all'` for every asset) and its asOf. */
function jobKeys(jobs: readonly DetectionJob[]): { assetCount: number | 'all'; asOf: string } {
  const all = jobs.some((j) => j.assets === null);
  const assets = new Set(jobs.flatMap((j) => j.assets ?? []));
  const asOfs = jobs.map((j) => j.asOf).sort((a, b) => a - b);
  const first = formatIso(asOfs[0]!);
  const last = formatIso(asOfs[asOfs.length - 1]!);
  return { assetCount: all ? 'all' : assets.size, asOf: first === last ? first : `${first}..${last}` };
}

function summarise(outcome: RecordOutcome): Record<string, number> {
  const sum = (f: (j: RecordOutcome['jobs'][number]) => number) => outcome.jobs.reduce((s, j) => s + f(j), 0);
  return {
    jobs: outcome.jobs.length,
    assetsEvaluated: sum((j) => j.assetsEvaluated),
    documentsRead: sum((j) => j.documentsRead),
    flaggedValues: sum((j) => j.flaggedValues),
    anomaliesDetected: sum((j) => Object.values(j.newFlags).reduce((a, b) => a + b, 0)),
    flagsWritten: sum((j) => j.flagsWritten),
    flagsRejected: sum((j) => j.flagsRejected),
    requestsSent: sum((j) => j.requestsSent),
    alertsPublished: sum((j) => j.alertsPublished),
    dataQualityIssues: sum((j) => j.dataQualityIssues),
  };
}
