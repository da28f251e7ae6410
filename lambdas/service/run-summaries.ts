import { createHash } from 'node:crypto';
import { timeframeKey } from '../core/document-flags.ts';
import type { MetricRunSummary, RunParams, RunSummary } from '../stores/detection-store.ts';

/**
 * The parameters a job runs with: its own and the configured minimum
 * sample count. One definition, so the summaries a job writes and the
 * summaries it looks up to resume or guard itself hash the same.
 *
 * @example
 * paramsHash(runParamsOf(job, config.minSamples));
 */
export function runParamsOf(
  job: Pick<RunParams, 'mode' | 'timeframes' | 'metrics' | 'deviationLimit'>,
  minSamples: number,
): RunParams {
  return {
    mode: job.mode,
    timeframes: job.timeframes,
    metrics: job.metrics,
    deviationLimit: job.deviationLimit,
    minSamples,
  };
}

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

interface AssetEntry {
  from: number;
  documents: number;
  timeframes: Record<string, Record<string, MetricRunSummary>>;
}

/**
 * Collects the run summaries of one job (SPEC section 1): one per asset, with
 * the evaluated range, the documents in it and, per timeframe and metric, the
 * fences (window mode), sample count and flag counts.
 *
 * Complexity: O(1) per {@link add}; O(assets) for {@link summaries}.
 *
 * @example
 * const runs = new RunSummaryCollector(params, asOf, 'm-1');
 * runs.add('bitcoin', from, 720, 7, 'volume', { n: 168, fences, high: 2, low: 0, newFlags: 1 });
 * runs.summaries(); // [{ asset: 'bitcoin', asOf, from, paramsHash, … }]
 */
export class RunSummaryCollector {
  readonly #params: RunParams;
  readonly #hash: string;
  readonly #asOf: number;
  readonly #messageId: string;
  readonly #assets = new Map<string, AssetEntry>();

  constructor(params: RunParams, asOf: number, messageId: string) {
    this.#params = params;
    this.#hash = paramsHash(params);
    this.#asOf = asOf;
    this.#messageId = messageId;
  }

  /** The hash every summary of this job carries. */
  get paramsHash(): string {
    return this.#hash;
  }

  /**
   * Records one metric and timeframe of an asset.
   *
   * @param asset - the asset
   * @param from - first instant of the asset's evaluated range, epoch ms
   * @param documents - the asset's documents in that range
   * @param timeframe - days
   * @param metric - the metric's path
   * @param summary - counts and fences
   */
  add(
    asset: string,
    from: number,
    documents: number,
    timeframe: number,
    metric: string,
    summary: MetricRunSummary,
  ): void {
    let entry = this.#assets.get(asset);
    if (!entry) {
      entry = { from, documents, timeframes: {} };
      this.#assets.set(asset, entry);
    }
    const key = timeframeKey(timeframe);
    entry.timeframes[key] ??= {};
    entry.timeframes[key][metric] = summary;
  }

  /** The collected summaries, in the order their assets were first added. */
  summaries(): RunSummary[] {
    return [...this.#assets].map(([asset, e]) => ({
      asset,
      asOf: this.#asOf,
      from: e.from,
      paramsHash: this.#hash,
      params: this.#params,
      documents: e.documents,
      timeframes: e.timeframes,
      messageId: this.#messageId,
    }));
  }
}
