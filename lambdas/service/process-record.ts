import type { ServiceConfig } from '../config/service-config.ts';
import { DAY_MS, Mode } from '../core/detector-options.ts';
import { type DetectionJob, parseRequest } from '../requests/parse-request.ts';
import type {
  AssetListing,
  DetectionStore,
  FlagUpdate,
  RunQuery,
  RunSummary,
  TimeLimit,
} from '../stores/detection-store.ts';
import {
  ALERTS_OFF,
  type AlertDetail,
  type AlertPolicy,
  type AlertPublisher,
  alertDetail,
  alerts,
} from './alerts.ts';
import { type Anomaly, Collect, detectBatch, type JobScope, readQueryOf } from './detect-job.ts';
import {
  chunkRequests,
  FanOutUnavailableError,
  listingRange,
  needsFanOut,
  type RequestSink,
} from './fan-out.ts';
import { judgedThrough, WindowGuards } from './run-guards.ts';
import { paramsHash, runParamsOf } from './run-summaries.ts';

/** The parts of a queue message the service needs. */
export interface RecordInput {
  readonly messageId: string;
  readonly body: string;
  /** When the message was sent, epoch ms: the default asOf. */
  readonly sentTimestamp: number;
}

/** What processing one job did. */
export interface JobOutcome {
  readonly job: DetectionJob;
  readonly documentsRead: number;
  readonly assetsEvaluated: number;
  readonly dataQualityIssues: number;
  /** Flagged values of the evaluated range, when collected (local runs); empty otherwise. */
  readonly anomalies: readonly Anomaly[];
  /** Flagged values of the evaluated range. */
  readonly flaggedValues: number;
  /** Per timeframe (days): flagged values whose verdict is new in this run (what `AnomaliesDetected` counts). */
  readonly newFlags: Readonly<Record<number, number>>;
  /** Documents whose flags changed and were written. */
  readonly flagsWritten: number;
  /** Documents the store refused one by one (their flags field is not an object). */
  readonly flagsRejected: number;
  readonly runsUpserted: number;
  /** Chunk requests sent instead of detecting (fan-out, SPEC section 8); 0 for a detected job. */
  readonly requestsSent: number;
  /** Alerts published (new flags that pass the alert policy). */
  readonly alertsPublished: number;
  /** Things a person should look at (e.g. a time field stored as strings). */
  readonly warnings: readonly string[];
  readonly readMs: number;
  readonly writeMs: number;
  /** Per metric, milliseconds. */
  readonly detectMs: Readonly<Record<string, number>>;
}

/** What processing one record did: one outcome per job of its request. */
export interface RecordOutcome {
  readonly jobs: readonly JobOutcome[];
}

/** The three phases of a job, each traced by the handler. */
export type Phase = 'read' | 'detect' | 'write';

/** Callbacks through which the handler observes a record without the service knowing about Lambda. */
export interface RecordHooks {
  /** Called once the body has been parsed, before the first read. */
  parsed?(jobs: readonly DetectionJob[]): void;
  /** Wraps each step of a phase (the handler traces them); must return what `run` returns. */
  phase?<T>(name: Phase, run: () => Promise<T>): Promise<T>;
}

/** What {@link processRecord} works with. */
export interface RecordDeps {
  readonly config: ServiceConfig;
  readonly store: DetectionStore;
  /** Where fanned-out chunk requests go; without it an all-asset request fails permanently. */
  readonly requests?: RequestSink;
  /** Milliseconds left before the invocation is stopped: reads get a time limit below it. @default no limit */
  readonly remainingMs?: () => number;
  /** Keep every flagged value in the outcome (local runs print them). @default false */
  readonly collectAnomalies?: boolean;
  /** Publish new flags as alerts (issue K): the policy and where they go. @default alerts off */
  readonly alerts?: { readonly policy: AlertPolicy; readonly publisher: AlertPublisher };
}

/** Thrown when too little of the invocation is left to start a read: retried by SQS. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/** Time kept back from a read's limit for writing, and the least a read is worth starting with. */
const DEADLINE_RESERVE_MS = 5_000;
const MIN_READ_MS = 1_000;
/** Pending writes are flushed at these sizes, so memory holds a bounded number of them. */
const FLUSH_UPDATES = 1_000;
const FLUSH_RUNS = 200;

/**
 * Processes one request message (SPEC sections 1, 3 and 8): parse the body
 * into jobs (asOf defaulting to the send time); a job for every asset, or for
 * more assets than one chunk, is fanned out into chunk requests on the
 * request queue; any other job reads its run-summary guards (one read),
 * streams its documents asset by asset, detects, and writes the changed flag
 * entries and then the run summaries in bounded groups. A rerun writes no
 * flags.
 *
 * Errors propagate unclassified (see `classifyFailure`): `InvalidMessageError`
 * from the parser, store errors from the store.
 *
 * @param input - message id, body and send time
 * @param deps - configuration, store, request sink, deadline
 * @param hooks - observation points for the handler
 * @returns one outcome per job
 *
 * Complexity: one guard read and one streamed read per detected job; memory
 * bounded by one asset's documents plus the pending writes.
 *
 * @example
 * const outcome = await processRecord({ messageId: 'm-1', body: '{"version":1,"assets":["bitcoin"]}', sentTimestamp: Date.now() }, { config, store });
 */
export async function processRecord(
  input: RecordInput,
  deps: RecordDeps,
  hooks: RecordHooks = {},
): Promise<RecordOutcome> {
  const { config } = deps;
  const jobs = parseRequest(input.body, {
    sentTimestamp: input.sentTimestamp,
    metrics: config.mapping.metrics,
    defaults: { timeframes: config.timeframes, deviationLimit: config.deviationLimit },
  });
  hooks.parsed?.(jobs);
  const phase = <T>(name: Phase, run: () => Promise<T>): Promise<T> =>
    hooks.phase ? hooks.phase(name, run) : run();
  const outcomes: JobOutcome[] = [];
  for (const job of jobs) {
    outcomes.push(
      needsFanOut(job, config.fanOutChunkSize)
        ? await fanOut(job, deps, phase)
        : await detectJob(job, input.messageId, deps, phase),
    );
  }
  return { jobs: outcomes };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

type PhaseRunner = <T>(name: Phase, run: () => Promise<T>) => Promise<T>;

async function fanOut(job: DetectionJob, deps: RecordDeps, phase: PhaseRunner): Promise<JobOutcome> {
  const { config, store, requests } = deps;
  if (!requests) {
    throw new FanOutUnavailableError(
      'this request covers every asset (or more than FAN_OUT_CHUNK_SIZE) and must be fanned out, but REQUEST_QUEUE_URL is not set',
    );
  }
  let started = performance.now();
  const assets =
    job.assets ??
    (await phase('read', () =>
      store.listAssets(withDeadline<AssetListing>(listingRange(job), deps.remainingMs)),
    ));
  const readMs = performance.now() - started;
  // Both are sorted: the parser sorts a request's assets, and stores list theirs sorted.
  const bodies = chunkRequests(job, assets, config.fanOutChunkSize);
  started = performance.now();
  await phase('write', () => requests.send(bodies));
  return {
    ...emptyOutcome(job),
    requestsSent: bodies.length,
    readMs,
    writeMs: performance.now() - started,
  };
}

async function detectJob(
  job: DetectionJob,
  messageId: string,
  deps: RecordDeps,
  phase: PhaseRunner,
): Promise<JobOutcome> {
  const { config, store } = deps;
  let readMs = 0;
  let writeMs = 0;
  let started = performance.now();
  const scope = await phase('read', () => jobScope(job, config.minSamples, store, deps.remainingMs));
  readMs += performance.now() - started;
  const query = readQueryOf(job, scope.judgedThrough);
  const outcome: Mutable<JobOutcome> & { newFlags: Record<number, number> } = {
    ...emptyOutcome(job),
    newFlags: {},
  };
  const detectMs: Record<string, number> = {};
  const anomalies: Anomaly[] = [];
  let pendingUpdates: FlagUpdate[] = [];
  let pendingRuns: RunSummary[] = [];
  let pendingAlerts: AlertDetail[] = [];
  const flush = async () => {
    if (pendingUpdates.length === 0 && pendingRuns.length === 0) return;
    const updates = pendingUpdates;
    const runs = pendingRuns;
    const newAlerts = pendingAlerts;
    pendingUpdates = [];
    pendingRuns = [];
    pendingAlerts = [];
    const t = performance.now();
    // Flags, then alerts, then run summaries. A summary guards later requests, so it never claims an
    // evaluation whose flags are not stored; and while it is missing, a retry finds this evaluation's
    // flags new again, so alerts that failed to publish are published by the retry.
    await phase('write', async () => {
      const result = await store.writeFlags(updates);
      outcome.flagsWritten += result.written;
      outcome.flagsRejected += result.rejected;
      if (newAlerts.length > 0) {
        await deps.alerts!.publisher.publish(newAlerts);
        outcome.alertsPublished += newAlerts.length;
      }
      await store.upsertRuns(runs);
      outcome.runsUpserted += runs.length;
    });
    writeMs += performance.now() - t;
  };
  const policy = deps.alerts?.policy ?? ALERTS_OFF;
  const collect = deps.collectAnomalies ? Collect.All : policy.enabled ? Collect.New : Collect.None;
  const run = { asOf: job.asOf, mode: job.mode, deviationLimit: job.deviationLimit, messageId };
  if (query !== null) {
    const batches = store.read(withDeadline(query, deps.remainingMs))[Symbol.asyncIterator]();
    for (;;) {
      started = performance.now();
      const next = await phase('read', () => batches.next());
      readMs += performance.now() - started;
      if (next.done) break;
      const batch = next.value;
      const detection = await phase('detect', async () =>
        detectBatch(job, batch, config, scope, messageId, collect),
      );
      outcome.documentsRead += batch.documents.length;
      outcome.assetsEvaluated += detection.assetsEvaluated;
      outcome.dataQualityIssues += detection.dataQualityIssues;
      outcome.flaggedValues += detection.flaggedValues;
      for (const [t, n] of detection.newFlags) outcome.newFlags[t] = (outcome.newFlags[t] ?? 0) + n;
      for (const [metric, ms] of Object.entries(detection.detectMs)) {
        detectMs[metric] = (detectMs[metric] ?? 0) + ms;
      }
      for (const a of detection.anomalies) {
        if (deps.collectAnomalies) anomalies.push(a);
        if (alerts(policy, a)) pendingAlerts.push(alertDetail(a, run));
      }
      for (const u of detection.updates) pendingUpdates.push(u);
      for (const r of detection.runs) pendingRuns.push(r);
      if (pendingUpdates.length >= FLUSH_UPDATES || pendingRuns.length >= FLUSH_RUNS) await flush();
    }
    await flush();
  }
  const warnings: string[] = [];
  if (query !== null && outcome.documentsRead === 0 && store.explainEmptyRead) {
    const reason = await store.explainEmptyRead(query);
    if (reason !== undefined) warnings.push(reason);
  }
  return { ...outcome, anomalies, warnings, readMs, writeMs, detectMs };
}

/** The guards of a window job, or the resume points of a rolling one: one read of the run summaries. */
async function jobScope(
  job: DetectionJob,
  minSamples: number,
  store: DetectionStore,
  remainingMs: (() => number) | undefined,
): Promise<JobScope> {
  const hash = paramsHash(runParamsOf(job, minSamples));
  if (job.mode === Mode.Rolling) {
    const marks = await store.findRuns(
      withDeadline<RunQuery>(
        { assets: job.assets, mode: Mode.Rolling, asOfAfter: Number.NEGATIVE_INFINITY, paramsHash: hash },
        remainingMs,
      ),
    );
    return { judgedThrough: judgedThrough(marks) };
  }
  const longest = Math.max(...job.timeframes) * DAY_MS;
  // From just before asOf: this very evaluation's own summaries say which assets a retry already finished.
  const marks = await store.findRuns(
    withDeadline<RunQuery>(
      { assets: job.assets, mode: Mode.Window, asOfAfter: job.asOf - 1, asOfBefore: job.asOf + longest },
      remainingMs,
    ),
  );
  const completed = new Set(
    marks.filter((m) => m.asOf === job.asOf && m.paramsHash === hash).map((m) => m.asset),
  );
  return { guards: new WindowGuards(marks, job.asOf), completed };
}

/** The query with a server-side time limit below the invocation time left; none starts without enough of it. */
function withDeadline<Q extends TimeLimit>(query: Q, remainingMs: (() => number) | undefined): Q {
  if (!remainingMs) return query;
  const budget = remainingMs() - DEADLINE_RESERVE_MS;
  if (budget < MIN_READ_MS) {
    throw new DeadlineError(`only ${Math.round(budget + DEADLINE_RESERVE_MS)} ms left: not starting a read`);
  }
  return { ...query, maxTimeMS: Math.floor(budget) };
}

function emptyOutcome(job: DetectionJob): JobOutcome {
  return {
    job,
    documentsRead: 0,
    assetsEvaluated: 0,
    dataQualityIssues: 0,
    anomalies: [],
    flaggedValues: 0,
    newFlags: {},
    flagsWritten: 0,
    flagsRejected: 0,
    runsUpserted: 0,
    requestsSent: 0,
    alertsPublished: 0,
    warnings: [],
    readMs: 0,
    writeMs: 0,
    detectMs: {},
  };
}
