import type { ServiceConfig } from '../../lambdas/config/service-config.ts';
import { InvalidMessageError } from '../../lambdas/requests/invalid-message-error.ts';
import { type DetectionJob, parseRequest } from '../../lambdas/requests/parse-request.ts';
import { chunkRequests, listingRange } from '../../lambdas/service/fan-out.ts';
import { processRecord, type RecordOutcome } from '../../lambdas/service/process-record.ts';
import type { DetectionStore } from '../../lambdas/stores/detection-store.ts';

/** One evaluation instant with its parameters, and every asset asked for at it. */
interface Evaluation {
  readonly job: DetectionJob;
  readonly assets: Set<string>;
}

/**
 * What in-order processing of some requests leaves in a store: the reference
 * that shuffled, retried, repeated or concurrent deliveries are held to
 * (SPEC section 1, "delivery order does not decide the result").
 *
 * Every accepted body is parsed as the service parses it (poison is
 * skipped, as it is dead-lettered); all-asset jobs get the assets a fan-out
 * would list. The evaluations (asOf and parameters) are then processed one
 * after another in ascending asOf, each asset once per evaluation, through
 * `processRecord` with no queue in between — the order a single, never
 * failing consumer of a perfectly ordered queue would see.
 *
 * @param bodies - request bodies, in any order, repeats and poison included
 * @param deps - the configuration and a fresh store holding the same documents
 * @param sentTimestamp - the send time of bodies without an asOf @default 0
 * @returns the outcome of each in-order request
 *
 * @example
 * await processInAsOfOrder(bodies, { config, store: referenceStore });
 * expect(texts(await storedVerdicts(store, FIELDS))).toEqual(texts(await storedVerdicts(referenceStore, FIELDS)));
 */
export async function processInAsOfOrder(
  bodies: readonly string[],
  deps: { readonly config: ServiceConfig; readonly store: DetectionStore },
  sentTimestamp = 0,
): Promise<RecordOutcome[]> {
  const { config, store } = deps;
  const evaluations = new Map<string, Evaluation>();
  for (const body of bodies) {
    for (const job of parsed(body, config, sentTimestamp)) {
      const key = JSON.stringify([job.asOf, job.mode, job.timeframes, job.metrics, job.deviationLimit]);
      let evaluation = evaluations.get(key);
      if (!evaluation) {
        evaluation = { job, assets: new Set() };
        evaluations.set(key, evaluation);
      }
      for (const a of job.assets ?? (await store.listAssets(listingRange(job)))) evaluation.assets.add(a);
    }
  }
  const ordered = [...evaluations.values()].sort((a, b) => a.job.asOf - b.job.asOf);
  const outcomes: RecordOutcome[] = [];
  for (const [i, { job, assets }] of ordered.entries()) {
    for (const [j, body] of chunkRequests(job, [...assets].sort(), config.fanOutChunkSize).entries()) {
      outcomes.push(
        await processRecord({ messageId: `in-order-${i}-${j}`, body, sentTimestamp }, { config, store }),
      );
    }
  }
  return outcomes;
}

function parsed(body: string, config: ServiceConfig, sentTimestamp: number): readonly DetectionJob[] {
  try {
    return parseRequest(body, {
      sentTimestamp,
      metrics: config.mapping.metrics,
      defaults: { timeframes: config.timeframes, deviationLimit: config.deviationLimit },
    });
  } catch (e) {
    if (e instanceof InvalidMessageError) return [];
    throw e;
  }
}
