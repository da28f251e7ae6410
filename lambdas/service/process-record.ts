import type { ServiceConfig } from '../config/service-config.ts';
import { type DetectionJob, parseRequest } from '../requests/parse-request.ts';
import type { DetectionStore } from '../stores/detection-store.ts';
import { type Anomaly, detectJob, readQueryOf } from './detect-job.ts';

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
  readonly anomalies: readonly Anomaly[];
  /** Documents whose flags changed and were written. */
  readonly flagsWritten: number;
  readonly runsUpserted: number;
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
  /** Wraps each phase (the handler opens a trace subsegment); must return what `run` returns. */
  phase?<T>(name: Phase, run: () => Promise<T>): Promise<T>;
}

/** What {@link processRecord} works with. */
export interface RecordDeps {
  readonly config: ServiceConfig;
  readonly store: DetectionStore;
}

/**
 * Processes one request message (SPEC sections 1 and 3): parse the body into
 * jobs (asOf defaulting to the send time), then for each job one read, the
 * detector core, the changed flags written and the run summaries upserted.
 * Jobs run one after another; a rerun of the same message writes no flags.
 *
 * Errors propagate unclassified (see `classifyFailure`): `InvalidMessageError`
 * from the parser, store errors from the store.
 *
 * @param input - message id, body and send time
 * @param deps - configuration and store
 * @param hooks - observation points for the handler
 * @returns one outcome per job
 *
 * Complexity: one store read and at most two store writes per job.
 *
 * @example
 * const outcome = await processRecord({ messageId: 'm-1', body: '{"version":1}', sentTimestamp: Date.now() }, { config, store });
 */
export async function processRecord(
  input: RecordInput,
  deps: RecordDeps,
  hooks: RecordHooks = {},
): Promise<RecordOutcome> {
  const { config, store } = deps;
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
    let started = performance.now();
    const batch = await phase('read', () => store.read(readQueryOf(job)));
    const readMs = performance.now() - started;
    const detection = await phase('detect', async () => detectJob(job, batch, config, input.messageId));
    started = performance.now();
    const { written } = await phase('write', async () => {
      const result = await store.writeFlags(detection.updates);
      await store.upsertRuns(detection.runs);
      return result;
    });
    outcomes.push({
      job,
      documentsRead: batch.documents.length,
      assetsEvaluated: detection.assetsEvaluated,
      dataQualityIssues: detection.dataQualityIssues,
      anomalies: detection.anomalies,
      flagsWritten: written,
      runsUpserted: detection.runs.length,
      readMs,
      writeMs: performance.now() - started,
      detectMs: detection.detectMs,
    });
  }
  return { jobs: outcomes };
}
