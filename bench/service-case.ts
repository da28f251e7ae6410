/**
 * One case of `npm run bench:service`, in a process of its own (started by
 * `bench/service-bench.ts` under `--max-old-space-size=1024`, the prod
 * function's memory, so the process's peak RSS is the record's):
 * one SQS record through the real handler (`createSqsHandler`) against a
 * benchmark store, timed from the handler call to its response.
 *
 *   tsx bench/service-case.ts --assets N --hours H --mode window|rolling
 *       [--fan-out] [--chunk-size N] [--load STATE] [--save STATE] [--baseline DIR]
 *
 * `--load` restores a previous run's flags and run summaries (not timed) and
 * the data then has one more hour: the next hour's run. `--baseline DIR`
 * runs the handler of an older checkout in DIR (main before the change-only
 * rewrite) on {@link LegacyBenchmarkStore} instead.
 *
 * Prints one JSON line ({@link CaseFigures}).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadServiceConfig } from '../lambdas/config/service-config.ts';
import { timeframeKey } from '../lambdas/core/document-flags.ts';
import { createSqsHandler, type RecordReport } from '../lambdas/handler/create-sqs-handler.ts';
import { MemoryDeadLetterSink } from '../lambdas/handler/dead-letter-sink.ts';
import { localContext, sqsRecord } from '../lambdas/handler/local-invocation.ts';
import { type BenchCounters, BenchmarkStore, cpuMs } from './benchmark-store.ts';
import { BENCH_START } from './generate.ts';
import { benchAssetName, HOUR_MS } from './service-documents.ts';
import { LegacyBenchmarkStore } from './service-legacy-store.ts';

/** What one case measured. */
export interface CaseFigures {
  /** Handler call to response, milliseconds. */
  readonly ms: number;
  /** Time inside the benchmark store (generating documents, applying writes): the stand-in for I/O. */
  readonly ioMs: number;
  /** `ms - ioMs`: the service's own work. */
  readonly detectMs: number;
  /** Process CPU time of the record, milliseconds (on a shared machine, less inflated than `ms`). */
  readonly cpuMs: number;
  /** CPU time inside the benchmark store. */
  readonly ioCpuMs: number;
  /** `cpuMs - ioCpuMs`: the service's own work in CPU time. */
  readonly detectCpuMs: number;
  /** The detector core alone (the service's `DetectDuration`, summed over metrics). */
  readonly coreMs: number;
  readonly documentsRead: number;
  readonly documentsWritten: number;
  readonly runsUpserted: number;
  readonly flaggedValues: number;
  readonly anomaliesDetected: number;
  readonly requestsSent: number;
  /** Flag entries (sub-documents for the baseline) the store holds after the run. */
  readonly storedFlags: number;
  readonly status: string;
}

/** The prod function's timeout (cdk.json): what the handler's context reports as remaining. */
const PROD_TIMEOUT_MS = 60_000;

const { values: flags } = parseArgs({
  options: {
    assets: { type: 'string' },
    hours: { type: 'string', default: '720' },
    mode: { type: 'string', default: 'window' },
    'fan-out': { type: 'boolean', default: false },
    'chunk-size': { type: 'string' },
    load: { type: 'string' },
    save: { type: 'string' },
    baseline: { type: 'string' },
  },
});
if (flags.assets === undefined) throw new Error('usage: tsx bench/service-case.ts --assets N [options]');
const assets = Number(flags.assets);
const hours = Number(flags.hours) + (flags.load === undefined ? 0 : 1);
const asOf = BENCH_START + hours * HOUR_MS;
const body = JSON.stringify({
  version: 1,
  ...(flags['fan-out'] ? {} : { assets: Array.from({ length: assets }, (_, i) => benchAssetName(i)) }),
  asOf: new Date(asOf).toISOString(),
  mode: flags.mode,
});
const record = sqsRecord({ messageId: `bench-${hours}`, body, sentTimestamp: asOf });
const figures =
  flags.baseline === undefined ? await currentCase(record) : await baselineCase(record, flags.baseline);
process.stdout.write(`${JSON.stringify(figures)}\n`);

async function currentCase(rec: SQSRecord): Promise<CaseFigures> {
  const config = loadServiceConfig(
    flags['chunk-size'] === undefined ? {} : { FAN_OUT_CHUNK_SIZE: flags['chunk-size'] },
  );
  const store = new BenchmarkStore({ assets, hours }, fieldsOf(config));
  if (flags.load !== undefined) store.load(flags.load);
  let requestsSent = 0;
  let report: RecordReport | undefined;
  const handler = createSqsHandler({
    config,
    store,
    deadLetters: new MemoryDeadLetterSink(),
    requests: {
      async send(bodies) {
        requestsSent += bodies.length;
      },
    },
    onRecord: (r) => {
      report = r;
    },
  });
  const timing = await timedCall(handler, rec);
  if (flags.save !== undefined) store.save(flags.save);
  if (report?.status !== 'processed') return failed(report, store.counters);
  const jobs = report.outcome.jobs;
  return figuresOf(timing, store.counters, store.entries, {
    flaggedValues: jobs.reduce((s, j) => s + j.flaggedValues, 0),
    anomaliesDetected: jobs.reduce((s, j) => s + sum(Object.values(j.newFlags)), 0),
    coreMs: jobs.reduce((s, j) => s + sum(Object.values(j.detectMs)), 0),
    requestsSent,
  });
}

/** The parts of the old handler's outcome the benchmark reads. */
interface BaselineReport {
  readonly status: string;
  readonly outcome?: {
    readonly jobs: readonly { anomalies: readonly unknown[]; detectMs: Record<string, number> }[];
  };
}

async function baselineCase(rec: SQSRecord, root: string): Promise<CaseFigures> {
  const load = (path: string) => import(join(root, path));
  const [{ loadServiceConfig: loadOld }, { createSqsHandler: createOld }, { MemoryDeadLetterSink: OldSink }] =
    await Promise.all([
      load('lambdas/config/service-config.ts'),
      load('lambdas/handler/create-sqs-handler.ts'),
      load('lambdas/handler/dead-letter-sink.ts'),
    ]);
  const config = loadOld({}) as ReturnType<typeof loadServiceConfig>;
  const store = new LegacyBenchmarkStore(
    { assets, hours },
    fieldsOf(config),
    config.timeframes.map(timeframeKey),
  );
  if (flags.load !== undefined) store.load(flags.load);
  let report: BaselineReport | undefined;
  const handler = createOld({
    config,
    store,
    deadLetters: new OldSink(),
    onRecord: (r: BaselineReport) => {
      report = r;
    },
  }) as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  const timing = await timedCall(handler, rec);
  if (flags.save !== undefined) store.save(flags.save);
  if (report?.status !== 'processed' || !report.outcome) return failed(report, store.counters);
  const jobs = report.outcome.jobs;
  // The old service counted every flagged value of the range as detected, on every run.
  const flagged = jobs.reduce((s, j) => s + j.anomalies.length, 0);
  return figuresOf(timing, store.counters, store.storedSubDocuments, {
    flaggedValues: flagged,
    anomaliesDetected: flagged,
    coreMs: jobs.reduce((s, j) => s + sum(Object.values(j.detectMs)), 0),
    requestsSent: 0,
  });
}

async function timedCall(
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>,
  rec: SQSRecord,
): Promise<{ ms: number; cpuMs: number }> {
  const started = performance.now();
  const cpuStarted = cpuMs();
  const context: Context = {
    ...localContext(),
    getRemainingTimeInMillis: () => PROD_TIMEOUT_MS - (performance.now() - started),
  };
  await handler({ Records: [rec] }, context);
  return { ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted };
}

function figuresOf(
  { ms, cpuMs }: { ms: number; cpuMs: number },
  counters: BenchCounters,
  storedFlags: number,
  outcome: Pick<CaseFigures, 'flaggedValues' | 'anomaliesDetected' | 'coreMs' | 'requestsSent'>,
): CaseFigures {
  return {
    ms,
    ioMs: counters.ioMs,
    detectMs: ms - counters.ioMs,
    cpuMs,
    ioCpuMs: counters.ioCpuMs,
    detectCpuMs: cpuMs - counters.ioCpuMs,
    coreMs: outcome.coreMs,
    documentsRead: counters.documentsRead,
    documentsWritten: counters.documentsWritten,
    runsUpserted: counters.upserts,
    flaggedValues: outcome.flaggedValues,
    anomaliesDetected: outcome.anomaliesDetected,
    requestsSent: outcome.requestsSent,
    storedFlags,
    status: 'processed',
  };
}

function failed(report: { status: string } | undefined, counters: BenchCounters): never {
  const what = report === undefined ? 'no report' : JSON.stringify(report);
  process.stderr.write(
    `the benchmark record was not processed (${what}); store counters ${JSON.stringify(counters)}\n`,
  );
  process.exit(1);
}

function fieldsOf(config: Pick<ReturnType<typeof loadServiceConfig>, 'mapping' | 'anomaliesField'>) {
  return {
    assetField: config.mapping.assetField,
    timeField: config.mapping.timeField,
    anomaliesField: config.anomaliesField,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
