import { compileFieldPath } from '../../lambdas/core/field-path.ts';
import { formatIso, toEpochMillis } from '../../lambdas/core/timestamp.ts';
import type { DetectionStore } from '../../lambdas/stores/detection-store.ts';
import { readAll } from '../../lambdas/stores/read-all.ts';

/** One stored flag entry, without its `asOf`: that records which evaluation last wrote it, not the verdict. */
export interface Verdict {
  readonly asset: string;
  /** The document's time, epoch ms. */
  readonly time: number;
  /** `d7` */
  readonly timeframeKey: string;
  /** The metric's path (dotted when nested). */
  readonly metric: string;
  readonly direction: string;
  readonly score: number | null;
  /** `asset time dT metric direction score`: what two states are compared by. */
  readonly text: string;
}

/** Field paths a verdict is read with. */
export interface VerdictFields {
  readonly assetField: string;
  readonly timeField: string;
  readonly anomaliesField: string;
}

/** Every instant a date can hold: the whole store. */
const EVERYTHING = { assets: null, from: -8.64e15, to: 8.64e15, metrics: [] } as const;

/**
 * Every flag entry a store holds, sorted by text: the state two runs are
 * compared by (document, timeframe, metric, direction, score). Scores are
 * compared exactly: the same window gives the same fences, whatever the
 * order of the runs.
 *
 * @example
 * expect((await storedVerdicts(a, FIELDS)).map((v) => v.text)).toEqual((await storedVerdicts(b, FIELDS)).map((v) => v.text));
 */
export async function storedVerdicts(store: DetectionStore, fields: VerdictFields): Promise<Verdict[]> {
  const assetOf = compileFieldPath(fields.assetField);
  const timeOf = compileFieldPath(fields.timeField);
  const rootOf = compileFieldPath(fields.anomaliesField);
  const out: Verdict[] = [];
  for (const doc of (await readAll(store, EVERYTHING)).documents) {
    const root = rootOf(doc);
    if (!isObject(root)) continue;
    const asset = String(assetOf(doc));
    const time = toEpochMillis(timeOf(doc));
    for (const [timeframeKey, entries] of Object.entries(root)) {
      for (const [metric, entry] of leaves(entries, '')) {
        const direction = String(entry.direction);
        const score = entry.score === null ? null : Number(entry.score);
        const text = `${asset} ${formatIso(time)} ${timeframeKey} ${metric} ${direction} ${score}`;
        out.push({ asset, time, timeframeKey, metric, direction, score, text });
      }
    }
  }
  return out.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/**
 * The verdicts held by one state and not the other (either way), sorted by text.
 *
 * @example
 * verdictDifference(concurrent, inOrder); // [] when the states agree
 */
export function verdictDifference(a: readonly Verdict[], b: readonly Verdict[]): Verdict[] {
  const inA = new Set(a.map((v) => v.text));
  const inB = new Set(b.map((v) => v.text));
  return [...a.filter((v) => !inB.has(v.text)), ...b.filter((v) => !inA.has(v.text))].sort((x, y) =>
    x.text < y.text ? -1 : x.text > y.text ? 1 : 0,
  );
}

/** The texts of verdicts, for readable `toEqual` failures. */
export const texts = (verdicts: readonly Verdict[]): string[] => verdicts.map((v) => v.text);

/** Entries under a timeframe: objects with a `direction`, at any depth (metric paths may be dotted). */
function* leaves(node: unknown, path: string): Generator<[string, Record<string, unknown>]> {
  if (!isObject(node)) return;
  if ('direction' in node) {
    yield [path, node];
    return;
  }
  for (const [key, child] of Object.entries(node)) yield* leaves(child, path === '' ? key : `${path}.${key}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
