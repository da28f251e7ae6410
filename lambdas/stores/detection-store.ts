import type { Mode } from '../core/detector-options.ts';
import type { StoredFlag } from '../core/document-flags.ts';
import type { Fences } from '../core/fences.ts';

/**
 * Documents per batch a store's read yields, at least (rounded up to whole assets): large enough that
 * per-batch work (series, plans, summaries) is amortised, small enough that a reader holds a bounded
 * number of documents — about 12 MiB of driver-deserialised documents.
 */
export const READ_BATCH_DOCUMENTS = 10_000;

/** A server-side time limit on one query: what the service gives every query it makes of a store. */
export interface TimeLimit {
  /**
   * Milliseconds (MongoDB `maxTimeMS`): a query that would outlive the invocation ends as a
   * transient failure instead. Stores without a server ignore it. @default no limit
   */
  readonly maxTimeMS?: number;
}

/** What one detection job reads: documents of some assets (or all) in `[from, to)`. */
export interface ReadQuery extends TimeLimit {
  /** Asset names; `null` = every asset with data in the range. */
  readonly assets: readonly string[] | null;
  /** Epoch milliseconds, inclusive. */
  readonly from: number;
  /** Epoch milliseconds, exclusive. */
  readonly to: number;
  /** Metric field paths to return (besides the asset, time and stored flags fields). */
  readonly metrics: readonly string[];
}

/**
 * Documents returned by {@link DetectionStore.read}: whole assets, sorted by
 * (asset, time), with the stored flags field included so that unchanged flags
 * can be skipped.
 *
 * `handles[i]` identifies `documents[i]` in {@link FlagUpdate.handle}; it is
 * opaque to callers (`_id` in MongoDB, the line position in a file).
 */
export interface ReadBatch {
  readonly documents: readonly unknown[];
  readonly handles: readonly unknown[];
}

/** One flag entry to set (`flag`) or clear (`null`): `<anomalies>.<timeframeKey>.<metric>`. */
export interface EntryChange {
  /** `d7` for 7 days. */
  readonly timeframeKey: string;
  /** The metric's field path (dotted paths nest, as the metric does in the source document). */
  readonly metric: string;
  /**
   * The new verdict, or `null` to remove the entry (the value is no longer flagged). `since` is the
   * instant (epoch ms) of the evaluation that first gave this direction: unchanged by a re-score.
   */
  readonly flag: (StoredFlag & { readonly since: number }) | null;
}

/**
 * The flag entries of one document that a run changes. Each entry is applied
 * on its own, atomically with its guard: only when the stored entry is absent
 * or was written by an evaluation as of no later instant than `asOf`.
 */
export interface FlagUpdate {
  readonly handle: unknown;
  /** Epoch ms: the evaluation's instant, stored in each entry it sets. */
  readonly asOf: number;
  readonly changes: readonly EntryChange[];
}

/** Result of {@link DetectionStore.writeFlags}. */
export interface WriteResult {
  /** Documents actually modified. */
  readonly written: number;
  /** Documents the store refused one by one (e.g. their flags field is not an object); the others were written. */
  readonly rejected: number;
}

/** Fences, sample count and flag counts of one metric in one timeframe of a run. */
export interface MetricRunSummary {
  /** Window mode: finite values in the window. Rolling mode: points of the evaluated range that had fences. */
  readonly n: number;
  /** Window mode: the window's fences (`null` = insufficient data). Rolling mode: always `null` (per point). */
  readonly fences: Fences | null;
  readonly high: number;
  readonly low: number;
  /** Flagged values whose verdict this run changed or made (what `AnomaliesDetected` counts). */
  readonly newFlags: number;
}

/** The parameters a run used; their hash is part of the run's key. */
export interface RunParams {
  readonly mode: Mode;
  readonly timeframes: readonly number[];
  readonly metrics: readonly string[];
  readonly deviationLimit: number;
  readonly minSamples: number;
}

/**
 * The audit record of one asset evaluated by one request (SPEC section 1),
 * upserted by its key (asset, asOf, paramsHash). "Checked, nothing flagged"
 * lives here, not on the documents.
 */
export interface RunSummary {
  readonly asset: string;
  /** Epoch milliseconds. */
  readonly asOf: number;
  /** Epoch ms: first instant of the evaluated range (window mode: asOf − longest timeframe). */
  readonly from: number;
  /** Hex digest of {@link RunParams}; see `paramsHash`. */
  readonly paramsHash: string;
  readonly params: RunParams;
  /** Documents of the asset in the evaluated range. */
  readonly documents: number;
  /** Per timeframe key (`d7`), per metric. */
  readonly timeframes: Readonly<Record<string, Readonly<Record<string, MetricRunSummary>>>>;
  /** The SQS message that produced this version of the summary. */
  readonly messageId: string;
}

/** What {@link DetectionStore.listAssets} lists: the assets with documents in `[from, to)`. */
export interface AssetListing extends TimeLimit {
  /** Epoch milliseconds, inclusive. */
  readonly from: number;
  /** Epoch milliseconds, exclusive. */
  readonly to: number;
}

/** Which run summaries {@link DetectionStore.findRuns} returns. */
export interface RunQuery extends TimeLimit {
  /** Asset names; `null` = every asset. */
  readonly assets: readonly string[] | null;
  readonly mode: Mode;
  /** Epoch ms, exclusive lower bound on the run's asOf. */
  readonly asOfAfter: number;
  /** Epoch ms, exclusive upper bound on the run's asOf. @default no bound */
  readonly asOfBefore?: number;
  /** Only runs with these exact parameters. @default any parameters */
  readonly paramsHash?: string;
}

/** The part of a run summary that guards and resumes later runs. */
export interface RunMark {
  readonly asset: string;
  /** Epoch ms. */
  readonly asOf: number;
  readonly paramsHash: string;
  readonly timeframes: readonly number[];
  readonly metrics: readonly string[];
}

/**
 * The storage port of the detection service: MongoDB in AWS, an NDJSON file
 * locally. Adapters only translate; every decision (what to read, which
 * entries changed, what a run summary holds) is made by the service. The
 * contract suite (`test/stores/store-contract.ts`) states the behaviour every
 * adapter shows.
 *
 * Adapters throw `TransientStoreError` for errors worth retrying and
 * `PermanentStoreError` for the others (see `store-errors.ts`).
 */
export interface DetectionStore {
  /**
   * Streams the documents of a query in (asset, time) order, in batches of
   * whole assets (an asset never spans two batches), so a reader holds one
   * batch at a time.
   */
  read(query: ReadQuery): AsyncIterable<ReadBatch>;
  /** The distinct assets with at least one document in `[from, to)`, sorted. */
  listAssets(range: AssetListing): Promise<string[]>;
  /**
   * Applies flag entry changes; an empty list writes nothing. Each entry is
   * guarded on its own (see {@link FlagUpdate}), so a later evaluation is never
   * undone and changes to other entries (other metrics, other timeframes) are
   * never lost; a document none of whose entries changed is not counted.
   */
  writeFlags(updates: readonly FlagUpdate[]): Promise<WriteResult>;
  /** Upserts run summaries by (asset, asOf, paramsHash). */
  upsertRuns(runs: readonly RunSummary[]): Promise<void>;
  /** The run summaries matching a query (any order). */
  findRuns(query: RunQuery): Promise<RunMark[]>;
  /**
   * Why a read of named assets found nothing, when the store can tell (e.g. the time field holds
   * strings, which a date range never matches); `undefined` when nothing is wrong.
   */
  explainEmptyRead?(query: ReadQuery): Promise<string | undefined>;
  /** Indexes the service relies on that are missing (described for a log line); checked once per environment. */
  missingIndexes?(): Promise<string[]>;
}
