import { createHash } from 'node:crypto';
import { timeframeKey } from '../core/document-flags.ts';
import { DirectionCode, type RollingResult } from '../core/rolling-detector.ts';
import type { WindowResult } from '../core/window-detector.ts';
import type { MetricRunSummary, RunParams, RunSummary } from '../stores/detection-store.ts';

/**
 * A short, stable digest of run parameters (first 16 hex digits of SHA-256
 * over their canonical JSON): part of a run summary's key, so the same
 * request rerun upserts the same summary and different parameters never
 * overwrite each other.
 *
 * @example
 * paramsHash({ mode: 'window', timeframes: [7], metrics: ['volume'], deviationLimit: 1.5, minSamples: 1 });
 * // e.g. '3f1c…' (16 hex digits)
 */
export function paramsHash(params: RunParams): string {
  const canonical = JSON.stringify([
    params.mode,
    params.timeframes,
    params.metrics,
    params.deviationLimit,
    params.minSamples,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

type Summaries = Record<string, Record<string, MetricRunSummary>>;

/**
 * Window mode: one summary per asset with the fences, sample count and flag
 * counts of each timeframe and metric.
 *
 * @param results - from `detectWindow`
 * @param params - the parameters used
 * @param asOf - the windows' end, epoch ms
 * @param messageId - the request
 * @returns summaries in asset order
 *
 * Complexity: O(results).
 *
 * @example
 * windowRunSummaries(detectWindow(set, options), params, options.asOf, 'm-1');
 */
export function windowRunSummaries(
  results: readonly WindowResult[],
  params: RunParams,
  asOf: number,
  messageId: string,
): RunSummary[] {
  const longest = Math.max(...params.timeframes);
  const byAsset = new Map<string, { documents: number; timeframes: Summaries }>();
  for (const r of results) {
    const entry = byAssetEntry(byAsset, r.asset);
    if (r.timeframe === longest) entry.documents = r.end - r.start;
    let high = 0;
    for (const f of r.flags) if (f.direction === 'high') high++;
    tfEntry(entry.timeframes, r.timeframe)[r.metric] = {
      n: r.n,
      fences: r.fences,
      high,
      low: r.flags.length - high,
    };
  }
  return toSummaries(byAsset, params, asOf, messageId);
}

/**
 * Rolling mode: one summary per asset over the evaluated points (times >=
 * `from`): points that had fences (`n`) and flag counts per timeframe and
 * metric; `fences` is `null` as each point has its own.
 *
 * @param results - from `detectRolling`
 * @param params - the parameters used
 * @param from - first evaluated instant, epoch ms (earlier points are history only)
 * @param asOf - the request's asOf, epoch ms
 * @param messageId - the request
 *
 * Complexity: O(points × timeframes × metrics).
 *
 * @example
 * rollingRunSummaries([...detectRolling(set, options)], params, from, asOf, 'm-1');
 */
export function rollingRunSummaries(
  results: readonly RollingResult[],
  params: RunParams,
  from: number,
  asOf: number,
  messageId: string,
): RunSummary[] {
  const byAsset = new Map<string, { documents: number; timeframes: Summaries }>();
  for (const r of results) {
    const entry = byAssetEntry(byAsset, r.asset);
    const { times } = r.series;
    let n = 0;
    let high = 0;
    let low = 0;
    let documents = 0;
    for (let i = 0; i < times.length; i++) {
      if (times[i]! < from) continue;
      documents++;
      if (!Number.isNaN(r.q1[i]!)) n++;
      if (r.direction[i] === DirectionCode.High) high++;
      else if (r.direction[i] === DirectionCode.Low) low++;
    }
    entry.documents = documents;
    tfEntry(entry.timeframes, r.timeframe)[r.metric] = { n, fences: null, high, low };
  }
  // Assets whose documents were all history (before `from`) were not evaluated.
  for (const [asset, e] of byAsset) if (e.documents === 0) byAsset.delete(asset);
  return toSummaries(byAsset, params, asOf, messageId);
}

function toSummaries(
  byAsset: Map<string, { documents: number; timeframes: Summaries }>,
  params: RunParams,
  asOf: number,
  messageId: string,
): RunSummary[] {
  const hash = paramsHash(params);
  return [...byAsset].map(([asset, e]) => ({
    asset,
    asOf,
    paramsHash: hash,
    params,
    documents: e.documents,
    timeframes: e.timeframes,
    messageId,
  }));
}

function byAssetEntry(
  map: Map<string, { documents: number; timeframes: Summaries }>,
  asset: string,
): { documents: number; timeframes: Summaries } {
  let e = map.get(asset);
  if (!e) {
    e = { documents: 0, timeframes: {} };
    map.set(asset, e);
  }
  return e;
}

function tfEntry(timeframes: Summaries, timeframe: number): Record<string, MetricRunSummary> {
  const key = timeframeKey(timeframe);
  timeframes[key] ??= {};
  return timeframes[key];
}
