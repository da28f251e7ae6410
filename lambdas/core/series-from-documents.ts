import { createDocumentReader, type FieldMapping, InvalidDocumentError } from './document-reader.ts';
import { SeriesBuilder, type SeriesSet } from './series.ts';

/** A document that could not be placed in a series, with the reason. */
export interface RejectedDocument {
  /** Position in the input. */
  readonly index: number;
  readonly reason: string;
}

/** Series built from documents, and the documents that were skipped. */
export interface SeriesFromDocuments {
  readonly set: SeriesSet;
  readonly rejected: readonly RejectedDocument[];
}

/**
 * Builds sorted per-asset series from documents held in memory.
 *
 * Each observation's ref is the document's position in `docs`. A document
 * without a usable asset or time is skipped and reported, never fatal; bad
 * metric values become NaN and are counted in `set.badValues`.
 *
 * @param docs - source documents; not modified
 * @param mapping - field paths
 * @returns the series and the rejected documents
 *
 * Complexity: O(n · metrics) plus the sort of `SeriesBuilder.build`.
 *
 * @example
 * seriesFromDocuments(docs, { assetField: 'coin_id', timeField: 'timestamp', metrics: ['volume'] });
 */
export function seriesFromDocuments(docs: readonly unknown[], mapping: FieldMapping): SeriesFromDocuments {
  const reader = createDocumentReader(mapping);
  const builder = new SeriesBuilder(mapping.metrics);
  const rejected: RejectedDocument[] = [];
  // The builder copies the values at once, so one scratch array serves every document; and as
  // stores return documents sorted by asset, the asset's slot is looked up once per run of them.
  const scratch = new Float64Array(mapping.metrics.length);
  let lastAsset: string | undefined;
  let slot: ReturnType<SeriesBuilder['slot']> | undefined;
  docs.forEach((doc, index) => {
    try {
      const o = reader.read(doc, scratch);
      if (o.asset !== lastAsset) {
        lastAsset = o.asset;
        slot = builder.slot(o.asset);
      }
      builder.addTo(slot!, o.time, o.values, index);
    } catch (e) {
      if (!(e instanceof InvalidDocumentError)) throw e;
      rejected.push({ index, reason: e.message });
    }
  });
  return { set: builder.build(), rejected };
}
