import type { ServiceConfig } from '../config/service-config.ts';
import { assertDetectorOptions, Closed, DAY_MS, Mode } from '../core/detector-options.ts';
import { timeframeKey } from '../core/document-flags.ts';
import type { Direction } from '../core/fences.ts';
import { detectRolling, rollingFlags } from '../core/rolling-detector.ts';
import type { AssetSeries, SeriesSet } from '../core/series.ts';
import { seriesFromDocuments } from '../core/series-from-documents.ts';
import { detectWindow, lowerBound } from '../core/window-detector.ts';
import type { DetectionJob } from '../requests/parse-request.ts';
import type { FlagUpdate, ReadBatch, ReadQuery, RunSummary } from '../stores/detection-store.ts';
import { FlagWritePlan, type Newness, type PositionFlag } from './flag-writes.ts';
import type { WindowGuards } from './run-guards.ts';
import { RunSummaryCollector, runParamsOf } from './run-summaries.ts';
import { StoredFlagsReader } from './stored-flags.ts';

/** The configuration a job is detected with. */
export type DetectConfig = Pick<ServiceConfig, 'mapping' | 'minSamples' | 'anomaliesField'>;

/** One flagged value. */
export interface Anomaly {
  readonly asset: string;
  readonly metric: string;
  readonly timeframe: number;
  /** The observation's time, epoch ms. */
  readonly time: number;
  readonly value: number;
  readonly direction: Direction;
  readonly score: number | null;
  /** The fences it was judged against. */
  readonly lower: number;
  readonly upper: number;
  /** Its verdict is new in this run (see `FlagWritePlan.compare`): what `AnomaliesDetected` counts. */
  readonly isNew: boolean;
}

/** Which flagged values {@link detectBatch} keeps in {@link BatchDetection.anomalies}. */
export const Collect = {
  /** None: the Lambda without alerts keeps counts only. */
  None: 'none',
  /** Only new verdicts: what alerts publish. */
  New: 'new',
  /** Every flagged value: local runs print them. */
  All: 'all',
} as const;
/** One of {@link Collect}. */
export type Collect = (typeof Collect)[keyof typeof Collect];

/** Where a job's judging starts for each asset, and what guards its writes. */
export interface JobScope {
  /** Window mode: newer evaluations' coverage (SPEC section 1). */
  readonly guards?: WindowGuards;
  /** Window mode: assets whose run summary for this very evaluation exists (an earlier attempt finished). */
  readonly completed?: ReadonlySet<string>;
  /** Rolling mode: per asset, the instant up to which earlier runs judged (their verdicts are final). */
  readonly judgedThrough?: ReadonlyMap<string, number>;
}

/** What detecting one batch of a job produced: the writes to make and what to report. */
export interface BatchDetection {
  /** Flag entry changes, one update per changed document. */
  readonly updates: readonly FlagUpdate[];
  readonly runs: readonly RunSummary[];
  /** Flagged values of the evaluated range, as far as collected (see {@link Collect}). */
  readonly anomalies: readonly Anomaly[];
  /** Flagged values of the evaluated range. */
  readonly flaggedValues: number;
  /** New verdicts per timeframe (days): what `AnomaliesDetected` counts. */
  readonly newFlags: ReadonlyMap<number, number>;
  /** Assets with at least one document in the evaluated range. */
  readonly assetsEvaluated: number;
  /** Bad metric values, documents without a usable asset or time, documents whose flags field is not an object. */
  readonly dataQualityIssues: number;
  /** Detection time per metric, milliseconds. */
  readonly detectMs: Readonly<Record<string, number>>;
}

/**
 * The first instant a rolling job judges for an asset: a backfill's start,
 * else where the last run with the same parameters stopped, else one longest
 * timeframe before asOf for an asset never judged with them.
 *
 * @example
 * rollingStart(job, new Map([['bitcoin', t]]), 'bitcoin'); // t
 */
export function rollingStart(job: DetectionJob, judged: ReadonlyMap<string, number>, asset: string): number {
  return job.backfillFrom ?? judged.get(asset) ?? job.asOf - longestMs(job);
}

/**
 * The single read of a job. Window mode: `[asOf - longest timeframe, asOf)`,
 * every window's data. Rolling mode: from one longest timeframe before the
 * earliest point to judge (the history its window needs) to asOf; `null` when
 * every asset is already judged up to asOf (nothing to read).
 *
 * @param job - the job
 * @param judged - rolling mode: per asset, where earlier runs stopped
 *
 * @example
 * readQueryOf({ assets: ['bitcoin'], asOf, timeframes: [3, 7], metrics: ['volume'], mode: 'window', deviationLimit: 1.5 });
 * // { assets: ['bitcoin'], from: asOf - 7 days, to: asOf, metrics: ['volume'] }
 */
export function readQueryOf(
  job: DetectionJob,
  judged: ReadonlyMap<string, number> = new Map(),
): ReadQuery | null {
  const span = longestMs(job);
  if (job.mode !== Mode.Rolling) {
    return { assets: job.assets, from: job.asOf - span, to: job.asOf, metrics: job.metrics };
  }
  let first = Number.POSITIVE_INFINITY;
  if (job.assets === null) {
    // A loop, not a spread: an all-asset job may have tens of thousands of resume points.
    first = job.backfillFrom ?? job.asOf - span;
    if (job.backfillFrom === undefined) for (const t of judged.values()) first = Math.min(first, t);
  } else {
    for (const asset of job.assets) first = Math.min(first, rollingStart(job, judged, asset));
  }
  if (first >= job.asOf) return null;
  return { assets: job.assets, from: first - span, to: job.asOf, metrics: job.metrics };
}

/**
 * Runs the detector core on one batch of a job's documents (whole assets)
 * and plans change-only writes: series from the documents, window or rolling
 * detection per metric (timed, for `DetectDuration`), each timeframe ×
 * metric verdict compared with the stored entries, and one run summary per
 * asset.
 *
 * Window mode judges `[asOf - T, asOf)` and writes only what no newer
 * evaluation covers (`scope.guards`). Rolling mode (`closed: 'left'`, no
 * look-ahead) judges only points from `rollingStart` on; earlier documents
 * are history for their windows.
 *
 * @param job - a parsed request job
 * @param batch - documents of `readQueryOf(job)`, whole assets
 * @param config - field mapping, minimum samples, flags field
 * @param scope - guards (window) or resume points (rolling)
 * @param messageId - recorded in run summaries
 * @param collect - which flagged values to keep in {@link BatchDetection.anomalies}
 * @throws `InvalidOptionsError` when the job's parameters are out of range
 *
 * Complexity: window O(w) per window (quickselect); rolling O(n log n) per
 * series; O(flags + stored entries) to plan the writes.
 *
 * @example
 * for await (const batch of store.read(query)) plan(detectBatch(job, batch, config, scope, record.messageId, false));
 */
export function detectBatch(
  job: DetectionJob,
  batch: ReadBatch,
  config: DetectConfig,
  scope: JobScope,
  messageId: string,
  collect: Collect,
): BatchDetection {
  const { set, rejected } = seriesFromDocuments(batch.documents, { ...config.mapping, metrics: job.metrics });
  const params = runParamsOf(job, config.minSamples);
  const options = assertDetectorOptions({
    timeframes: job.timeframes,
    deviationLimit: job.deviationLimit,
    minSamples: config.minSamples,
  });
  const plan = new FlagWritePlan(
    batch,
    new StoredFlagsReader(config.anomaliesField, job.timeframes.map(timeframeKey), job.metrics),
  );
  const runs = new RunSummaryCollector(params, job.asOf, messageId);
  const anomalies: Anomaly[] = [];
  const newFlags = new Map<number, number>();
  let flaggedValues = 0;
  const detectMs: Record<string, number> = {};

  const keys = new Map(job.timeframes.map((t) => [t, timeframeKey(t)]));
  /** Compares one asset × timeframe × metric and records its summary and anomalies. */
  const settle = (
    series: AssetSeries,
    timeframe: number,
    m: number,
    range: { from: number; start: number; writableEnd: number; documents: number },
    // Rolling flags carry their own fences; window flags share the window's.
    flags: readonly (PositionFlag & { time: number; value: number; lower?: number; upper?: number })[],
    n: number,
    fences: RunSummary['timeframes'][string][string]['fences'],
    asOf: (index: number) => number,
    newness: Newness,
  ) => {
    const metric = job.metrics[m]!;
    let writable = flags.length;
    while (writable > 0 && flags[writable - 1]!.index >= range.writableEnd) writable--;
    const compared = plan.compare(
      series,
      keys.get(timeframe)!,
      m,
      metric,
      range.start,
      range.writableEnd,
      writable === flags.length ? flags : flags.slice(0, writable),
      asOf,
      newness,
    );
    let high = 0;
    for (const f of flags) if (f.direction === 'high') high++;
    flaggedValues += flags.length;
    newFlags.set(timeframe, (newFlags.get(timeframe) ?? 0) + compared.newFlags);
    runs.add(series.asset, range.from, range.documents, timeframe, metric, {
      n,
      fences,
      high,
      low: flags.length - high,
      newFlags: compared.newFlags,
    });
    if (collect !== Collect.None) {
      flags.forEach((f, i) => {
        const isNew = compared.isNew[i] ?? false;
        if (collect === Collect.New && !isNew) return;
        anomalies.push({
          asset: series.asset,
          metric,
          timeframe,
          time: f.time,
          value: f.value,
          direction: f.direction,
          score: f.score,
          lower: f.lower ?? fences?.lower ?? Number.NaN,
          upper: f.upper ?? fences?.upper ?? Number.NaN,
          isNew,
        });
      });
    }
  };

  const timed = (m: number, run: () => void) => {
    const started = performance.now();
    run();
    const metric = job.metrics[m]!;
    detectMs[metric] = (detectMs[metric] ?? 0) + performance.now() - started;
  };

  let assetsEvaluated = 0;
  if (job.mode === Mode.Rolling) {
    const judged = scope.judgedThrough ?? new Map<string, number>();
    // Points after the last run are judged for the first time; a backfill re-judges, so stored entries decide.
    const rollingNewness: Newness = { firstJudgement: job.backfillFrom === undefined };
    for (const series of set.series) {
      const from = rollingStart(job, judged, series.asset);
      const start = lowerBound(series.times, from);
      if (start === series.times.length) continue;
      assetsEvaluated++;
      const single: SeriesSet = { ...set, series: [series] };
      const end = series.times.length;
      for (let m = 0; m < job.metrics.length; m++) {
        timed(m, () => {
          // History before `from` only fills the windows: its own verdicts were final in earlier runs.
          const rolling = { ...options, closed: Closed.Left, judgeFrom: from };
          for (const r of detectRolling(metricView(single, m), rolling)) {
            let n = 0;
            for (let i = start; i < end; i++) if (!Number.isNaN(r.q1[i]!)) n++;
            const range = { from, start, writableEnd: end, documents: end - start };
            settle(
              series,
              r.timeframe,
              m,
              range,
              [...rollingFlags(r, start)],
              n,
              null,
              (i) => series.times[i]!,
              rollingNewness,
            );
          }
        });
      }
    }
  } else {
    assetsEvaluated = set.series.length;
    const from = job.asOf - longestMs(job);
    const byAsset = new Map(set.series.map((s) => [s.asset, s]));
    for (let m = 0; m < job.metrics.length; m++) {
      const metric = job.metrics[m]!;
      timed(m, () => {
        for (const r of detectWindow(metricView(set, m), { ...options, asOf: job.asOf })) {
          const series = byAsset.get(r.asset)!;
          const before =
            scope.guards?.writableBefore(r.asset, r.timeframe, metric) ?? Number.POSITIVE_INFINITY;
          const writableEnd = Math.min(r.end, lowerBound(series.times, before));
          const documents = series.times.length - lowerBound(series.times, from);
          settle(
            series,
            r.timeframe,
            m,
            { from, start: r.start, writableEnd: Math.max(r.start, writableEnd), documents },
            r.flags,
            r.n,
            r.fences,
            () => job.asOf,
            scope.completed?.has(r.asset)
              ? { firstJudgement: false }
              : { firstJudgement: false, recoverAsOf: job.asOf },
          );
        }
      });
    }
  }
  let badValues = 0;
  for (const metric of job.metrics) badValues += set.badValues[metric] ?? 0;
  return {
    updates: plan.updates(),
    runs: runs.summaries(),
    anomalies,
    flaggedValues,
    newFlags,
    assetsEvaluated,
    dataQualityIssues: badValues + rejected.length + plan.unwritable,
    detectMs,
  };
}

function longestMs(job: DetectionJob): number {
  return Math.max(...job.timeframes) * DAY_MS;
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
