import type { ServiceConfig } from '../config/service-config.ts';
import { assertDetectorOptions, Closed, DAY_MS, Mode } from '../core/detector-options.ts';
import { type DocumentFlags, rollingDocumentFlags, windowDocumentFlags } from '../core/document-flags.ts';
import type { Direction } from '../core/fences.ts';
import { detectRolling, type RollingResult, rollingFlags } from '../core/rolling-detector.ts';
import type { SeriesSet } from '../core/series.ts';
import { seriesFromDocuments } from '../core/series-from-documents.ts';
import { detectWindow, lowerBound, type WindowResult } from '../core/window-detector.ts';
import type { DetectionJob } from '../requests/parse-request.ts';
import type { FlagUpdate, ReadBatch, ReadQuery, RunParams, RunSummary } from '../stores/detection-store.ts';
import { planFlagWrites } from './flag-writes.ts';
import { rollingRunSummaries, windowRunSummaries } from './run-summaries.ts';

/** The configuration a job is detected with. */
export type DetectConfig = Pick<ServiceConfig, 'mapping' | 'minSamples' | 'anomaliesField'>;

/** One flagged value. */
export interface Anomaly {
  readonly asset: string;
  readonly metric: string;
  readonly timeframe: number;
  /** The observation's time, epoch ms. */
  readonly time: number;
  readonly direction: Direction;
  readonly score: number | null;
}

/** What detecting one job produced: the writes to make and what to report. */
export interface JobDetection {
  /** Flag updates that change something (unchanged ones already dropped). */
  readonly updates: readonly FlagUpdate[];
  readonly runs: readonly RunSummary[];
  /** Flagged values of the evaluated range, in asset, timeframe, metric order. */
  readonly anomalies: readonly Anomaly[];
  /** Assets with at least one document in the evaluated range. */
  readonly assetsEvaluated: number;
  /** Bad metric values (null, strings, NaN, …) plus documents without a usable asset or time. */
  readonly dataQualityIssues: number;
  /** Detection time per metric, milliseconds. */
  readonly detectMs: Readonly<Record<string, number>>;
}

/**
 * Rolling mode reads this many times the longest timeframe of history, so
 * that every evaluated point (the last longest timeframe before asOf) has its
 * complete trailing window.
 */
export const ROLLING_HISTORY_FACTOR = 2;

/**
 * The single read of a job. Window mode: `[asOf - longest timeframe, asOf)`,
 * every window's data. Rolling mode: the same evaluated range plus one more
 * longest timeframe of history before it
 * (`[asOf - 2 × longest, asOf)`, see {@link ROLLING_HISTORY_FACTOR}).
 *
 * @example
 * readQueryOf({ assets: ['bitcoin'], asOf, timeframes: [3, 7], metrics: ['volume'], mode: 'window', deviationLimit: 1.5 });
 * // { assets: ['bitcoin'], from: asOf - 7 days, to: asOf, metrics: ['volume'] }
 */
export function readQueryOf(job: DetectionJob): ReadQuery {
  const span = Math.max(...job.timeframes) * DAY_MS;
  const factor = job.mode === Mode.Rolling ? ROLLING_HISTORY_FACTOR : 1;
  return { assets: job.assets, from: job.asOf - factor * span, to: job.asOf, metrics: job.metrics };
}

/**
 * Runs the detector core on the documents of one job and plans the writes:
 * series from the documents, window or rolling detection per metric (timed,
 * for `DetectDuration`), per-document flag sub-documents restricted to the
 * evaluated range, unchanged ones dropped, and one run summary per asset.
 *
 * Rolling mode uses `closed: 'left'` (no look-ahead) and judges only points
 * in `[asOf - longest timeframe, asOf)`; earlier documents are history.
 *
 * @param job - a parsed request job
 * @param batch - the documents of `readQueryOf(job)`
 * @param config - field mapping, minimum samples, flags field
 * @param messageId - recorded in run summaries
 * @returns the planned writes and the counts to report
 * @throws `InvalidOptionsError` when the job's parameters are out of range
 *
 * Complexity: window O(w log w) per window; rolling O(n log n) per series.
 *
 * @example
 * const detection = detectJob(job, await store.read(readQueryOf(job)), config, record.messageId);
 */
export function detectJob(
  job: DetectionJob,
  batch: ReadBatch,
  config: DetectConfig,
  messageId: string,
): JobDetection {
  const { set, rejected } = seriesFromDocuments(batch.documents, { ...config.mapping, metrics: job.metrics });
  const params: RunParams = {
    mode: job.mode,
    timeframes: job.timeframes,
    metrics: job.metrics,
    deviationLimit: job.deviationLimit,
    minSamples: config.minSamples,
  };
  const options = assertDetectorOptions({
    timeframes: job.timeframes,
    deviationLimit: job.deviationLimit,
    minSamples: config.minSamples,
  });
  const detectMs: Record<string, number> = {};
  const perMetric = <R>(detect: (view: SeriesSet) => R[]): R[] =>
    job.metrics.flatMap((metric, m) => {
      const started = performance.now();
      const results = detect(metricView(set, m));
      detectMs[metric] = performance.now() - started;
      return results;
    });

  let flags: DocumentFlags;
  let runs: RunSummary[];
  let anomalies: Anomaly[];
  let assetsEvaluated: number;
  if (job.mode === Mode.Rolling) {
    const from = job.asOf - Math.max(...job.timeframes) * DAY_MS;
    const results = perMetric((view) => [...detectRolling(view, { ...options, closed: Closed.Left })]);
    flags = evaluatedOnly(rollingDocumentFlags(results), set, from);
    runs = rollingRunSummaries(results, params, from, job.asOf, messageId);
    anomalies = rollingAnomalies(results, from);
    assetsEvaluated = runs.length;
  } else {
    const results = perMetric((view) => detectWindow(view, { ...options, asOf: job.asOf }));
    flags = windowDocumentFlags(set, results, job.asOf);
    runs = windowRunSummaries(results, params, job.asOf, messageId);
    anomalies = windowAnomalies(results);
    assetsEvaluated = set.series.length;
  }
  let badValues = 0;
  for (const metric of job.metrics) badValues += set.badValues[metric] ?? 0;
  return {
    updates: planFlagWrites(batch, flags, config.anomaliesField),
    runs,
    anomalies: sortAnomalies(anomalies),
    assetsEvaluated,
    dataQualityIssues: badValues + rejected.length,
    detectMs,
  };
}

/** The same series restricted to one metric, sharing the arrays (no copy). */
function metricView(set: SeriesSet, metric: number): SeriesSet {
  const name = set.metrics[metric]!;
  return {
    metrics: [name],
    series: set.series.map((s) => ({ ...s, values: [s.values[metric]!] })),
    badValues: { [name]: set.badValues[name] ?? 0 },
    observations: set.observations,
  };
}

function evaluatedOnly(flags: DocumentFlags, set: SeriesSet, from: number): DocumentFlags {
  for (const s of set.series) {
    for (let i = 0; i < s.times.length && s.times[i]! < from; i++) flags.delete(s.refs[i]!);
  }
  return flags;
}

function windowAnomalies(results: readonly WindowResult[]): Anomaly[] {
  return results.flatMap((r) =>
    r.flags.map((f) => ({
      asset: r.asset,
      metric: r.metric,
      timeframe: r.timeframe,
      time: f.time,
      direction: f.direction,
      score: f.score,
    })),
  );
}

function rollingAnomalies(results: readonly RollingResult[], from: number): Anomaly[] {
  const out: Anomaly[] = [];
  for (const r of results) {
    // Points before `from` are history: they give the evaluated points their windows, nothing more.
    for (const f of rollingFlags(r, lowerBound(r.series.times, from))) {
      out.push({
        asset: r.asset,
        metric: r.metric,
        timeframe: r.timeframe,
        time: f.time,
        direction: f.direction,
        score: f.score,
      });
    }
  }
  return out;
}

/** Per-metric detection interleaves metrics; reports read better grouped by asset, then timeframe. */
function sortAnomalies(anomalies: Anomaly[]): Anomaly[] {
  return anomalies.sort(
    (a, b) =>
      (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0) ||
      a.timeframe - b.timeframe ||
      a.time - b.time ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0),
  );
}
