import type { Direction } from '../core/fences.ts';
import { compileFieldPath, type FieldGetter } from '../core/field-path.ts';
import { toFiniteNumber } from '../core/numeric-value.ts';
import { storedInstant } from '../stores/stored-as-of.ts';

/** A flag entry as read back from a store: `<anomalies>.<dT>.<metric>`. */
export interface StoredEntry {
  readonly direction: Direction;
  /** `null` when the IQR was 0. */
  readonly score: number | null;
  /** Epoch ms of the evaluation that wrote it; `-Infinity` when missing or unreadable. */
  readonly asOf: number;
  /** Epoch ms of the evaluation that first gave this direction (an entry without one: its `asOf`). */
  readonly since: number;
}

/** Why a document's flags cannot be written: its flags field (or a timeframe under it) is not an object. */
export const UNWRITABLE = Symbol('unwritable');

/**
 * Reads the stored flag entries of documents for one job's timeframes and
 * metrics, tolerating anything a store may hold.
 *
 * A document's flags are {@link UNWRITABLE} when the root field or one of the
 * job's timeframe sub-documents exists but is not a plain object (`null`, a
 * string, an array): MongoDB cannot `$set` a path through it, so the service
 * skips the document and counts it as a data-quality issue (SPEC section 1).
 * An entry that is not an object, or has no valid direction, reads as absent
 * and is overwritten by the next change.
 *
 * @example
 * const reader = new StoredFlagsReader('anomalies', ['d7'], ['volume']);
 * reader.root(doc); // undefined (never flagged), UNWRITABLE, or the root object
 * reader.entry(root, 'd7', 0); // { direction: 'high', score: 2.4, asOf: 1652572800000, since: … } or undefined
 */
export class StoredFlagsReader {
  readonly #root: FieldGetter;
  readonly #timeframeKeys: readonly string[];
  readonly #metricPaths: readonly FieldGetter[];

  /**
   * @param anomaliesField - the root flags field path (`anomalies`)
   * @param timeframeKeys - the job's timeframe keys (`d3`, `d7`, …)
   * @param metrics - the job's metric paths, in the order {@link entry} takes their index
   */
  constructor(anomaliesField: string, timeframeKeys: readonly string[], metrics: readonly string[]) {
    this.#root = compileFieldPath(anomaliesField);
    this.#timeframeKeys = timeframeKeys;
    this.#metricPaths = metrics.map(compileFieldPath);
  }

  /**
   * The document's flags root: `undefined` when it has none (the common,
   * never-flagged case, found in O(1)), {@link UNWRITABLE}, or the object.
   */
  root(doc: unknown): Record<string, unknown> | undefined | typeof UNWRITABLE {
    const root = this.#root(doc);
    if (root === undefined) return undefined;
    if (!isPlainObject(root)) return UNWRITABLE;
    for (const key of this.#timeframeKeys) {
      const sub = root[key];
      if (sub !== undefined && !isPlainObject(sub)) return UNWRITABLE;
    }
    return root;
  }

  /** The stored entry of one timeframe and metric (by index), or `undefined`. */
  entry(root: Record<string, unknown>, timeframeKey: string, metric: number): StoredEntry | undefined {
    const sub = root[timeframeKey];
    if (sub === undefined) return undefined;
    const value = this.#metricPaths[metric]!(sub);
    if (!isPlainObject(value)) return undefined;
    const { direction } = value;
    if (direction !== 'high' && direction !== 'low') return undefined;
    // An unreadable score reads as null, which a computed finite score replaces.
    const score = toFiniteNumber(value.score);
    const asOf = storedInstant(value.asOf);
    const since = value.since === undefined ? asOf : storedInstant(value.since);
    return { direction, score: Number.isNaN(score) ? null : score, asOf, since };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
