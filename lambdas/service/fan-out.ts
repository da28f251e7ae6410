import { DAY_MS } from '../core/detector-options.ts';
import { formatIso } from '../core/timestamp.ts';
import type { DetectionJob } from '../requests/parse-request.ts';
import type { RequestV1 } from '../requests/request-schema.ts';

/** Where fanned-out chunk requests go: the function's own queue in AWS, an in-process queue locally. */
export interface RequestSink {
  /**
   * Sends every body, or throws (then the fanning-out record is retried and
   * sends the same bodies again; detecting a chunk twice writes nothing the
   * second time).
   */
  send(bodies: readonly string[]): Promise<void>;
}

/** Thrown by a {@link RequestSink} when some chunk requests could not be sent: the record is retried (transient). */
export class FanOutSendError extends Error {
  override readonly name = 'FanOutSendError';
}

/** Thrown when fan-out is needed but no request queue is configured. */
export class FanOutUnavailableError extends Error {
  override readonly name = 'FanOutUnavailableError';
}

/**
 * Whether a job is fanned out rather than detected (SPEC section 8): it is
 * for every asset, or names more assets than one chunk holds.
 *
 * @example
 * needsFanOut({ ...job, assets: null }, 250); // true
 */
export function needsFanOut(job: DetectionJob, chunkSize: number): boolean {
  return job.assets === null || job.assets.length > chunkSize;
}

/**
 * The assets' range of a fan-out listing: the longest window before asOf
 * ("every asset with data in the longest window", SPEC section 3).
 *
 * @example
 * listingRange({ ...job, asOf, timeframes: [3, 7] }); // { from: asOf - 7 days, to: asOf }
 */
export function listingRange(job: DetectionJob): { from: number; to: number } {
  return { from: job.asOf - Math.max(...job.timeframes) * DAY_MS, to: job.asOf };
}

/**
 * Version-1 bodies of at most `chunkSize` assets each, with the job's asOf
 * and parameters spelled out, so every chunk computes what the original
 * request would have. Deterministic: the same job and assets give the same
 * bodies, so a retried fan-out sends the same requests.
 *
 * @param job - the job to split
 * @param assets - the assets to cover, sorted
 * @param chunkSize - most assets per body, 1..1000
 * @returns the bodies, in asset order
 *
 * Complexity: O(assets).
 *
 * @example
 * chunkRequests(job, ['a', 'b', 'c'], 2).length; // 2
 */
export function chunkRequests(job: DetectionJob, assets: readonly string[], chunkSize: number): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < assets.length; i += chunkSize) {
    const body: RequestV1 = {
      version: 1,
      assets: assets.slice(i, i + chunkSize),
      asOf: formatIso(job.asOf),
      timeframes: [...job.timeframes],
      metrics: [...job.metrics],
      deviationLimit: job.deviationLimit,
      mode: job.mode,
      ...(job.backfillFrom === undefined ? {} : { backfillFrom: formatIso(job.backfillFrom) }),
    };
    bodies.push(JSON.stringify(body));
  }
  return bodies;
}
