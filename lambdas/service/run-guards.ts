import { DAY_MS } from '../core/detector-options.ts';
import type { RunMark } from '../stores/detection-store.ts';

/**
 * Window mode's order guard (SPEC section 1, "delivery order does not decide
 * the result"): for each asset, timeframe and metric, the first instant that
 * an evaluation newer than this job already covers. The newer evaluation's
 * window `[L - T, L)` owns every document from `L - T` on, so this job writes
 * only what lies before it — the older documents only it covers.
 *
 * Built from the run summaries with a later asOf (one read per job). A stale
 * request evaluated at the very moment a newer one is (neither has written
 * its run summary yet) can still leave its verdict on documents both cover:
 * the next run corrects those inside its own windows; those older than the
 * next run's window start keep it until a run covering them again (a
 * redelivery or rerun of the newer request writes exactly the difference).
 *
 * Complexity: O(marks × timeframes × metrics) to build, O(1) per lookup.
 *
 * @example
 * const guards = new WindowGuards(await store.findRuns({ assets, mode: 'window', asOfAfter: asOf }), asOf);
 * guards.writableBefore('bitcoin', 7, 'volume'); // Infinity when no newer run covers it
 */
export class WindowGuards {
  readonly #bounds = new Map<string, number>();

  /**
   * @param marks - run summaries of window-mode runs (those not later than `asOf` are ignored)
   * @param asOf - this job's asOf, epoch ms
   */
  constructor(marks: readonly RunMark[], asOf: number) {
    for (const m of marks) {
      if (m.asOf <= asOf) continue;
      for (const timeframe of m.timeframes) {
        const from = m.asOf - timeframe * DAY_MS;
        for (const metric of m.metrics) {
          const key = guardKey(m.asset, timeframe, metric);
          this.#bounds.set(key, Math.min(this.#bounds.get(key) ?? Number.POSITIVE_INFINITY, from));
        }
      }
    }
  }

  /** Epoch ms: this job may write the asset's documents before this instant (`Infinity` = all). */
  writableBefore(asset: string, timeframe: number, metric: string): number {
    return this.#bounds.get(guardKey(asset, timeframe, metric)) ?? Number.POSITIVE_INFINITY;
  }
}

/**
 * Rolling mode's resume points (SPEC section 8): per asset, the asOf of the
 * latest run with the same parameters. Its points before that instant are
 * judged for good (closed left: no look-ahead), so the next run judges only
 * points from there on.
 *
 * @example
 * const resume = judgedThrough(await store.findRuns({ assets, mode: 'rolling', asOfAfter: -Infinity, paramsHash }));
 * resume.get('bitcoin'); // epoch ms, or undefined for an asset never judged with these parameters
 */
export function judgedThrough(marks: readonly RunMark[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of marks) out.set(m.asset, Math.max(out.get(m.asset) ?? Number.NEGATIVE_INFINITY, m.asOf));
  return out;
}

function guardKey(asset: string, timeframe: number, metric: string): string {
  return `${asset}\u0000${timeframe}\u0000${metric}`;
}
