import type { DocumentFlags, StoredFlag } from '../core/document-flags.ts';
import { compileFieldPath } from '../core/field-path.ts';
import { toFiniteNumber } from '../core/numeric-value.ts';
import type { FlagUpdate, ReadBatch } from '../stores/detection-store.ts';
import { storedAsOf } from '../stores/stored-as-of.ts';

/**
 * Turns computed flag sub-documents into store updates. A timeframe is
 * skipped when the stored sub-document was evaluated as of a later instant
 * (the latest evaluation wins, whatever order SQS delivers or redelivers
 * overlapping requests in; stores enforce this atomically too, see
 * `DetectionStore.writeFlags`), or as of the same instant with the same
 * `flags` (SPEC section 1: a rerun of the same request writes nothing).
 *
 * A later evaluation with unchanged flags is written, to record its `asOf`:
 * skipping it would leave an older `asOf` behind, and a late-arriving
 * request from between the two could then overwrite the latest result —
 * final flags would depend on delivery order and reruns would write again.
 * Only the changed timeframes of a document are in its update; a document
 * with none is left out. Flags are compared by metric, direction and score
 * (Extended JSON numbers read as numbers).
 *
 * @param batch - what the store returned (documents carry their stored flags)
 * @param computed - from `windowDocumentFlags` / `rollingDocumentFlags`, refs = positions in `batch`
 * @param anomaliesField - root field of the stored sub-documents
 * @returns the updates, in ref order
 *
 * Complexity: O(computed entries × flagged metrics).
 *
 * @example
 * planFlagWrites(batch, windowDocumentFlags(set, results, asOf), 'anomalies');
 */
export function planFlagWrites(
  batch: ReadBatch,
  computed: DocumentFlags,
  anomaliesField: string,
): FlagUpdate[] {
  const storedOf = compileFieldPath(anomaliesField);
  const updates: FlagUpdate[] = [];
  const refs = [...computed.keys()].sort((a, b) => a - b);
  for (const ref of refs) {
    const byKey = computed.get(ref)!;
    const stored = storedOf(batch.documents[ref]);
    const set: FlagUpdate['set'] = {};
    let changed = false;
    for (const [key, value] of Object.entries(byKey)) {
      const current = subDocument(stored, key);
      const asOf = storedAsOf(current);
      if (asOf > value.asOf || (asOf === value.asOf && sameFlags(current?.flags, value.flags))) continue;
      (set as Record<string, typeof value>)[key] = value;
      changed = true;
    }
    if (changed) updates.push({ handle: batch.handles[ref], set });
  }
  return updates;
}

function subDocument(stored: unknown, key: string): Record<string, unknown> | undefined {
  if (stored === null || typeof stored !== 'object') return undefined;
  const sub = (stored as Record<string, unknown>)[key];
  return sub !== null && typeof sub === 'object' ? (sub as Record<string, unknown>) : undefined;
}

/**
 * Whether stored flags (anything read back from a store) equal computed ones.
 *
 * @example
 * sameFlags({ volume: { direction: 'high', score: 2 } }, { volume: { direction: 'high', score: 2 } }); // true
 */
export function sameFlags(stored: unknown, computed: Readonly<Record<string, StoredFlag>>): boolean {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return false;
  const entries = Object.entries(stored as Record<string, unknown>);
  if (entries.length !== Object.keys(computed).length) return false;
  return entries.every(([metric, s]) => {
    const c = computed[metric];
    if (c === undefined || s === null || typeof s !== 'object') return false;
    const { direction, score } = s as { direction?: unknown; score?: unknown };
    if (direction !== c.direction) return false;
    return c.score === null ? score === null : toFiniteNumber(score) === c.score;
  });
}
