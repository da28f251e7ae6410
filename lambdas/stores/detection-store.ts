import type { Mode } from '../core/detector-options.ts';
import type { TimeframeFlags } from '../core/document-flags.ts';
import type { Fences } from '../core/fences.ts';

/** What one detection job reads: documents of some assets (or all) in `[from, to)`. */
export interface ReadQuery {
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
 * Documents returned by {@link DetectionStore.read}, sorted by (asset, time),
 * with the stored flags field included so that unchanged flags can be skipped.
 *
 * `handles[i]` identifies `documents[i]` in {@link FlagUpdate.handle}; it is
 * opaque to callers (`_id` in MongoDB, the line position in a file).
 */
export interface ReadBatch {
  readonly documents: readonly unknown[];
  readonly handles: readonly unknown[];
}

/** New flag sub-documents for one document, keyed by timeframe key (`d7`); only keys that changed. */
export interface FlagUpdate {
  readonly handle: unknown;
  readonly set: Readonly<Record<string, TimeframeFlags>>;
}

/** Result of {@link DetectionStore.writeFlags}. */
export interface WriteResult {
  /** Documents actually modified. */
  readonly written: number;
}

/** Fences, sample count and flag counts of one metric in one timeframe of a run. */
export interface MetricRunSummary {
  /** Window mode: finite values in the window. Rolling mode: points of the evaluated range that had fences. */
  readonly n: number;
  /** Window mode: the window's fences (`null` = insufficient data). Rolling mode: always `null` (per point). */
  readonly fences: Fences | null;
  readonly high: number;
  readonly low: number;
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
 * upserted by its key (asset, asOf, paramsHash).
 */
export interface RunSummary {
  readonly asset: string;
  /** Epoch milliseconds. */
  readonly asOf: number;
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

/**
 * The storage port of the detection service: MongoDB in AWS, an NDJSON file
 * locally. Adapters only translate; every decision (what to read, which
 * flags changed, what a run summary holds) is made by the service.
 *
 * Adapters throw `TransientStoreError` for errors worth retrying and
 * `PermanentStoreError` for the others (see `store-errors.ts`).
 */
export interface DetectionStore {
  /** Reads the documents of a query, sorted by (asset, time). */
  read(query: ReadQuery): Promise<ReadBatch>;
  /**
   * Applies flag updates; an empty list writes nothing. A timeframe's
   * sub-document is never replaced by one evaluated as of an earlier instant
   * (checked atomically per document, so concurrent requests cannot undo a
   * later evaluation); an update none of whose timeframes applies is not
   * counted as written.
   */
  writeFlags(updates: readonly FlagUpdate[]): Promise<WriteResult>;
  /** Upserts run summaries by (asset, asOf, paramsHash). */
  upsertRuns(runs: readonly RunSummary[]): Promise<void>;
}
