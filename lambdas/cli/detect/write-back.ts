import type { DocumentFlags } from '../../core/document-flags.ts';
import { formatIso } from '../../core/timestamp.ts';

/** Lines for `mongoimport --mode merge`, and the documents that could not get one. */
export interface WriteBackLines {
  readonly lines: string[];
  /** Flagged documents that have no `_id` in the input (not written). */
  readonly missingIds: number;
}

/**
 * Turns per-document flags into NDJSON update lines that
 * `mongoimport --mode merge` applies, in the service's stored shape:
 * `{"_id": …, "<field>": {"d7": {"volume": {"direction", "score", "since",
 * "asOf": {"$date": ISO}}}, …}}`, one per flagged document, in input order (a dotted
 * metric path nests, as the service stores it). The `_id` is written as it
 * was read (Extended JSON such as `{"$oid": …}` included), so it matches the
 * stored document.
 *
 * `mongoimport --mode merge` replaces the whole flags field of each matched
 * document and touches no other: a document flagged by an earlier import but
 * not by this one keeps its old flags (the service clears them; a file import
 * cannot without rewriting every document).
 *
 * @param flags - from `windowDocumentFlags` or `rollingDocumentFlags`; refs are input indexes
 * @param ids - `_id` of each input document by ref (`undefined` when absent)
 * @param field - root field name, e.g. `anomalies`
 * @returns the lines (without newlines) and the count of flagged documents without `_id`
 *
 * Complexity: O(d log d) for d flagged documents (sorted into input order).
 *
 * @example
 * writeBackLines(windowDocumentFlags(set, results, asOf), ids, 'anomalies').lines[0];
 * // '{"_id":"bitcoin:2022-05-12","anomalies":{"d7":{"volume":{"direction":"high","score":2.41,"asOf":{"$date":"2022-05-15T00:00:00.000Z"}}}}}'
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
    const update: Record<string, Record<string, unknown>> = {};
    for (const [key, metrics] of Object.entries(flags.get(ref)!)) {
      const timeframe: Record<string, unknown> = {};
      for (const [metric, e] of Object.entries(metrics)) {
        const at = { $date: formatIso(e.asOf) };
        // A file import has no earlier verdicts: each flag is new as of its own evaluation.
        nest(timeframe, metric, { direction: e.direction, score: e.score, since: at, asOf: at });
      }
      update[key] = timeframe;
    }
    lines.push(JSON.stringify({ _id: id, [field]: update }));
  }
  return { lines, missingIds };
}

function nest(into: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split('.');
  let cur = into;
  for (const step of steps.slice(0, -1)) {
    cur[step] ??= {};
    cur = cur[step] as Record<string, unknown>;
  }
  cur[steps.at(-1)!] = value;
}
