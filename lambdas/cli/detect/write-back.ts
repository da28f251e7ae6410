import type { DocumentFlags } from '../../core/document-flags.ts';
import { formatIso } from '../../core/timestamp.ts';

/** Lines for `mongoimport --mode merge`, and the documents that could not get one. */
export interface WriteBackLines {
  readonly lines: string[];
  /** Documents inside a window that have no `_id` in the input (not written). */
  readonly missingIds: number;
}

/**
 * Turns per-document flags into NDJSON update lines that
 * `mongoimport --mode merge` applies: `{"_id": …, "<field>": {"d7": {"asOf":
 * {"$date": ISO}, "flags": {…}}, …}}`, one per document, in input order. The
 * `_id` is written as it was read (Extended JSON such as `{"$oid": …}` included),
 * so it matches the stored document.
 *
 * @param flags - from `windowDocumentFlags` or `rollingDocumentFlags`; refs are input indexes
 * @param ids - `_id` of each input document by ref (`undefined` when absent)
 * @param field - root field name, e.g. `anomalies`
 * @returns the lines (without newlines) and the count of documents without `_id`
 *
 * Complexity: O(d log d) for d documents (sorted into input order).
 *
 * @example
 * writeBackLines(windowDocumentFlags(set, results, asOf), ids, 'anomalies').lines[0];
 * // '{"_id":"bitcoin:2022-05-12","anomalies":{"d3":{"asOf":{"$date":"2022-05-15T00:00:00.000Z"},"flags":{}}}}'
 */
export function writeBackLines(flags: DocumentFlags, ids: readonly unknown[], field: string): WriteBackLines {
  const lines: string[] = [];
  let missingIds = 0;
  const refs = Float64Array.from(flags.keys()).sort();
  for (const ref of refs) {
    const id = ids[ref];
    if (id === undefined || id === null) {
      missingIds++;
      continue;
    }
    const update: Record<string, unknown> = {};
    for (const [key, tf] of Object.entries(flags.get(ref)!)) {
      update[key] = { asOf: { $date: formatIso(tf.asOf) }, flags: tf.flags };
    }
    lines.push(JSON.stringify({ _id: id, [field]: update }));
  }
  return { lines, missingIds };
}
