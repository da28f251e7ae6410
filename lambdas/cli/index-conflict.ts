import type { IndexPlan } from '../stores/mongo-queries.ts';

/** MongoDB server codes of a `createIndex` that clashes with an existing index. */
export const INDEX_CONFLICT_CODES: ReadonlySet<number> = new Set([
  85, // IndexOptionsConflict: the same key under another name, or the same name with other options
  86, // IndexKeySpecsConflict: the same name with another key
]);

/** An existing index as `listIndexes` describes it. */
export interface ExistingIndex {
  readonly name: string;
  readonly key: Readonly<Record<string, unknown>>;
  readonly unique?: boolean;
}

/** One planned index with the collection it belongs to and the indexes already there. */
export interface PlannedIndex {
  readonly plan: IndexPlan;
  /** `database.collection`. */
  readonly where: string;
  /** The collection's name alone, for the shell command shown. */
  readonly collection: string;
  readonly existing: readonly ExistingIndex[];
}

/** The name MongoDB gives an index by default (`coin_id_1_timestamp_1`). */
function defaultName(key: Readonly<Record<string, unknown>>): string {
  return Object.entries(key)
    .map(([field, order]) => `${field}_${String(order)}`)
    .join('_');
}

function sameKey(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));
}

/**
 * Explains a `createIndex` conflict (server code 85 or 86) in words: which
 * existing index clashes with which planned one, how, and what to do. The
 * (asset, time) index only serves reads, so an equal index under another
 * name can stay; the run key must be unique, so a non-unique one must go.
 *
 * @param planned - every planned index with the indexes of its collection
 * @returns one message per clash found (empty when none is recognised)
 *
 * Complexity: O(plans · existing indexes).
 *
 * @example
 * explainIndexConflicts([{ plan, where: 'riskfence.anomaly_runs', collection: 'anomaly_runs', existing }]);
 * // ["riskfence.anomaly_runs: index 'runs_key' has the key {...} but is not unique; ..."]
 */
export function explainIndexConflicts(planned: readonly PlannedIndex[]): string[] {
  const messages: string[] = [];
  for (const { plan, where, collection, existing } of planned) {
    const key = plan.key as Readonly<Record<string, unknown>>;
    const wanted = defaultName(key);
    const drop = (name: string) => `db.${collection}.dropIndex(${JSON.stringify(name)})`;
    for (const index of existing) {
      const uniqueClash = Boolean(index.unique) !== plan.unique;
      if (sameKey(index.key, key) && (index.name !== wanted || uniqueClash)) {
        const how = uniqueClash
          ? `but is ${index.unique ? 'unique' : 'not unique'} (riskfence needs it ${plan.unique ? 'unique' : 'not unique'})`
          : `under another name than riskfence's '${wanted}'`;
        const advice =
          plan.unique && !index.unique
            ? `drop it (${drop(index.name)}) and rerun mongo-init; the run key must be unique`
            : `it serves the service as it is; to let mongo-init manage it, drop it (${drop(index.name)}) and rerun`;
        messages.push(
          `${where}: index '${index.name}' has the key ${JSON.stringify(index.key)} ${how}; ${advice}`,
        );
      } else if (index.name === wanted && !sameKey(index.key, key)) {
        messages.push(
          `${where}: index '${index.name}' has riskfence's name but the key ${JSON.stringify(index.key)} ` +
            `instead of ${JSON.stringify(key)}; drop it (${drop(index.name)}) and rerun mongo-init`,
        );
      }
    }
  }
  return messages;
}
