import { compileFieldPath, type FieldGetter } from './field-path.ts';
import { toFiniteNumber } from './numeric-value.ts';
import { InvalidTimestampError, toEpochMillis } from './timestamp.ts';

/** Where the asset, the time and each metric live in a source document. */
export interface FieldMapping {
  /** Asset field path. @default 'coin_id' */
  readonly assetField: string;
  /** Time field path. @default 'timestamp' */
  readonly timeField: string;
  /** Metric field paths; each is also the metric's name. */
  readonly metrics: readonly string[];
}

/** Thrown when a document lacks a usable asset or time; such a document cannot be placed in any series. */
export class InvalidDocumentError extends Error {
  override readonly name = 'InvalidDocumentError';
}

/** One document reduced to what the detector needs. */
export interface Observation {
  readonly asset: string;
  /** Epoch milliseconds. */
  readonly time: number;
  /** One value per configured metric, in mapping order; NaN = missing or bad. */
  readonly values: Float64Array;
}

/** Reads observations from documents of one field mapping. */
export interface DocumentReader {
  /**
   * @param doc - the document
   * @param into - where to write the values (reused across documents by callers that copy them at
   *   once, sparing an allocation per document) @default a new array
   * @throws {@link InvalidDocumentError} when the asset or time is unusable
   */
  read(doc: unknown, into?: Float64Array): Observation;
}

/**
 * Compiles a field mapping into a reader, so paths are parsed once, not per document.
 *
 * Bad metric values are not errors: they read as NaN (see `toFiniteNumber`).
 * The asset must be a non-empty string; the time anything `toEpochMillis` accepts.
 *
 * @param mapping - field paths
 * @returns a reader; O(metrics) per document
 *
 * @example
 * const reader = createDocumentReader({ assetField: 'coin_id', timeField: 'timestamp', metrics: ['volume'] });
 * reader.read({ coin_id: 'bitcoin', timestamp: '2022-05-12', volume: 5 }).values; // Float64Array [5]
 */
export function createDocumentReader(mapping: FieldMapping): DocumentReader {
  const asset = compileFieldPath(mapping.assetField);
  const time = compileFieldPath(mapping.timeField);
  const metrics: FieldGetter[] = mapping.metrics.map(compileFieldPath);
  return {
    read(doc, into) {
      const name = asset(doc);
      if (typeof name !== 'string' || name.length === 0) {
        throw new InvalidDocumentError(`field '${mapping.assetField}' is not a non-empty string`);
      }
      let t: number;
      try {
        t = toEpochMillis(time(doc));
      } catch (e) {
        if (e instanceof InvalidTimestampError) {
          throw new InvalidDocumentError(`field '${mapping.timeField}': ${e.message}`);
        }
        throw e;
      }
      const values = into ?? new Float64Array(metrics.length);
      for (let i = 0; i < metrics.length; i++) values[i] = toFiniteNumber(metrics[i]!(doc));
      return { asset: name, time: t, values };
    },
  };
}
