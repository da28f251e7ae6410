import type { Direction } from '../core/fences.ts';
import type { AssetSeries } from '../core/series.ts';
import type { EntryChange, FlagUpdate, ReadBatch } from '../stores/detection-store.ts';
import { type StoredFlagsReader, UNWRITABLE } from './stored-flags.ts';

/** A computed verdict at one position of an asset's series. */
export interface PositionFlag {
  /** Position in the series. */
  readonly index: number;
  readonly direction: Direction;
  readonly score: number | null;
}

/**
 * Which computed flags count as new besides those the stored entries do not
 * already hold (SPEC section 8; what `AnomaliesDetected` counts and alerts
 * publish).
 */
export interface Newness {
  /** Every flag is new: rolling-mode points judged for the first time. */
  readonly firstJudgement: boolean;
  /**
   * An entry whose verdict became new (`since`) with exactly this asOf was
   * made by this very evaluation's earlier, unfinished attempt (its run
   * summary is missing): its flag is still new, so a retry reports what the
   * failed attempt could not. A re-scored entry keeps its older `since`.
   */
  readonly recoverAsOf?: number;
}

/** What comparing one timeframe × metric found. */
export interface Comparison {
  /** Flagged values whose verdict is new (no stored flag, or another direction): what `AnomaliesDetected` counts. */
  readonly newFlags: number;
  /** Per flag passed in (same order): whether it is new. */
  readonly isNew: readonly boolean[];
}

/**
 * Plans change-only flag writes for one batch of documents (SPEC section 1):
 * each timeframe × metric verdict is compared with the stored entry, and only
 * differences become entry changes — a new flag, a changed direction or
 * score, or a stored flag that no longer holds (cleared). Never-flagged
 * documents that stay unflagged cost one field lookup and are never written.
 *
 * Documents whose flags field is not an object are skipped
 * ({@link unwritable}); the rest of the batch is planned as usual.
 *
 * Complexity: O(documents) to build, then O(flags + stored entries) per
 * {@link compare} (positions without stored flags are never visited).
 *
 * @example
 * const plan = new FlagWritePlan(batch, reader);
 * plan.compare(series, 'd7', 0, 'volume', start, end, flags, () => asOf);
 * await store.writeFlags(plan.updates());
 */
export class FlagWritePlan {
  readonly #batch: ReadBatch;
  readonly #reader: StoredFlagsReader;
  readonly #roots: (Record<string, unknown> | undefined | typeof UNWRITABLE)[];
  readonly #changes = new Map<number, { asOf: number; changes: EntryChange[] }>();
  readonly #storedPositions = new Map<AssetSeries, Int32Array>();
  /** Documents of the batch whose flags field is not an object: never written. */
  readonly unwritable: number;

  constructor(batch: ReadBatch, reader: StoredFlagsReader) {
    this.#batch = batch;
    this.#reader = reader;
    let unwritable = 0;
    this.#roots = batch.documents.map((d) => {
      const root = reader.root(d);
      if (root === UNWRITABLE) unwritable++;
      return root;
    });
    this.unwritable = unwritable;
  }

  /**
   * Compares computed verdicts of one timeframe and metric over series
   * positions `[start, end)` (the positions this run may write) with the
   * stored entries, and records the differences.
   *
   * @param series - the asset's series (refs are positions in the batch)
   * @param timeframeKey - `d7`
   * @param metricIndex - the metric's index in the reader's metrics
   * @param metric - the metric's path
   * @param start - first writable position
   * @param end - one past the last writable position
   * @param flags - flagged positions in `[start, end)`, ascending
   * @param asOf - the evaluation instant stored with an entry set at a position
   * @param newness - what else counts as new @default stored entries decide alone
   */
  compare(
    series: AssetSeries,
    timeframeKey: string,
    metricIndex: number,
    metric: string,
    start: number,
    end: number,
    flags: readonly PositionFlag[],
    asOf: (index: number) => number,
    newness: Newness = { firstJudgement: false },
  ): Comparison {
    const { refs } = series;
    const isNew: boolean[] = [];
    let newFlags = 0;
    for (const f of flags) {
      const ref = refs[f.index]!;
      const root = this.#roots[ref];
      if (root === UNWRITABLE) {
        isNew.push(false);
        continue;
      }
      const stored = root === undefined ? undefined : this.#reader.entry(root, timeframeKey, metricIndex);
      const changed = stored === undefined || stored.direction !== f.direction;
      const fresh = changed || newness.firstJudgement || stored.since === newness.recoverAsOf;
      isNew.push(fresh);
      if (fresh) newFlags++;
      if (changed || stored.score !== f.score) {
        const at = asOf(f.index);
        this.#add(ref, at, {
          timeframeKey,
          metric,
          // A re-score keeps the instant the verdict became new, so a retry can tell new from re-scored.
          flag: { direction: f.direction, score: f.score, since: changed ? at : stored.since },
        });
      }
    }
    // Clears: stored flags at positions that are no longer flagged.
    const stored = this.#positionsWithFlags(series);
    let k = 0;
    for (let p = lowerBoundInt(stored, start); p < stored.length && stored[p]! < end; p++) {
      const index = stored[p]!;
      while (k < flags.length && flags[k]!.index < index) k++;
      if (k < flags.length && flags[k]!.index === index) continue;
      const ref = refs[index]!;
      const root = this.#roots[ref] as Record<string, unknown>;
      if (this.#reader.entry(root, timeframeKey, metricIndex) === undefined) continue;
      this.#add(ref, asOf(index), { timeframeKey, metric, flag: null });
    }
    return { newFlags, isNew };
  }

  /** The planned updates, one per changed document, in batch order. */
  updates(): FlagUpdate[] {
    return [...this.#changes]
      .sort((a, b) => a[0] - b[0])
      .map(([ref, u]) => ({ handle: this.#batch.handles[ref], asOf: u.asOf, changes: u.changes }));
  }

  #add(ref: number, asOf: number, change: EntryChange): void {
    let u = this.#changes.get(ref);
    if (!u) {
      u = { asOf, changes: [] };
      this.#changes.set(ref, u);
    }
    u.changes.push(change);
  }

  /** Positions of the series whose document has a flags object (computed once per series). */
  #positionsWithFlags(series: AssetSeries): Int32Array {
    let positions = this.#storedPositions.get(series);
    if (!positions) {
      const out: number[] = [];
      for (let i = 0; i < series.refs.length; i++) {
        const root = this.#roots[series.refs[i]!];
        if (root !== undefined && root !== UNWRITABLE) out.push(i);
      }
      positions = Int32Array.from(out);
      this.#storedPositions.set(series, positions);
    }
    return positions;
  }
}

function lowerBoundInt(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
