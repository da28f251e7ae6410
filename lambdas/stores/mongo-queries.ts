import type { AnyBulkWriteOperation, Document, Filter, IndexSpecification } from 'mongodb';
import type { FlagUpdate, ReadQuery, RunSummary } from './detection-store.ts';

/** Where things live in MongoDB documents: the configured field paths. */
export interface MongoFieldNames {
  readonly assetField: string;
  readonly timeField: string;
  /** Root field of the flag sub-documents (`anomalies`). */
  readonly anomaliesField: string;
}

/** A `find` ready to run: filter, projection and sort. */
export interface FindQuery {
  readonly filter: Filter<Document>;
  readonly projection: Document;
  readonly sort: Document;
}

/**
 * The single `find` of a detection job: `$in` on the assets (no asset filter
 * when the query is for every asset), a half-open range on the time field,
 * a projection of the configured fields plus the stored flags, sorted by
 * (asset, time) so that the (asset, time) index serves both filter and sort.
 *
 * Asset names were validated by the request parser, and `$in` takes them as
 * values, so no name can inject an operator.
 *
 * @param query - what to read
 * @param fields - configured field paths
 * @returns the filter, projection and sort
 *
 * Complexity: O(assets + metrics).
 *
 * @example
 * buildFindQuery({ assets: ['bitcoin'], from: 0, to: 1, metrics: ['volume'] }, fields).filter;
 * // { coin_id: { $in: ['bitcoin'] }, timestamp: { $gte: new Date(0), $lt: new Date(1) } }
 */
export function buildFindQuery(query: ReadQuery, fields: MongoFieldNames): FindQuery {
  const filter: Filter<Document> = {};
  if (query.assets !== null) filter[fields.assetField] = { $in: [...query.assets] };
  filter[fields.timeField] = { $gte: new Date(query.from), $lt: new Date(query.to) };
  return {
    filter,
    projection: buildProjection([
      fields.assetField,
      fields.timeField,
      ...query.metrics,
      fields.anomaliesField,
    ]),
    sort: { [fields.assetField]: 1, [fields.timeField]: 1 },
  };
}

/**
 * An inclusion projection of field paths, without duplicates and without a
 * path whose ancestor is also listed (MongoDB rejects `{a: 1, 'a.b': 1}` as a
 * path collision; `a` already returns `a.b`).
 *
 * @example
 * buildProjection(['a', 'a.b', 'c', 'c']); // { a: 1, c: 1 }
 */
export function buildProjection(paths: readonly string[]): Document {
  const unique = [...new Set(paths)];
  const kept = unique.filter((p) => !unique.some((q) => q !== p && p.startsWith(`${q}.`)));
  return Object.fromEntries(kept.map((p) => [p, 1]));
}

/**
 * `updateOne` operations that `$set` each changed flag sub-document
 * (`anomalies.d7 = { asOf: Date, flags }`) on the document with that `_id`,
 * leaving the other timeframes' sub-documents untouched. The filter only
 * matches while every one of those sub-documents is absent, has no `asOf`, or
 * has an `asOf` no later than the update's, so a concurrent request evaluated
 * as of a later instant is never undone (the check and the write are one
 * atomic document update).
 *
 * @param updates - flag updates; handles are the documents' `_id`
 * @param anomaliesField - root field of the sub-documents
 * @returns one operation per update, in order
 *
 * Complexity: O(updates × timeframes).
 *
 * @example
 * buildBulkOps([{ handle: 'bitcoin:2022-05-12', set: { d7: { asOf: 0, flags: {} } } }], 'anomalies');
 * // [{ updateOne: { filter: { _id: 'bitcoin:2022-05-12', $and: [{ $or: [
 * //     { 'anomalies.d7.asOf': { $exists: false } }, { 'anomalies.d7.asOf': { $lte: new Date(0) } }] }] },
 * //   update: { $set: { 'anomalies.d7': { asOf: new Date(0), flags: {} } } } } }]
 */
export function buildBulkOps(
  updates: readonly FlagUpdate[],
  anomaliesField: string,
): AnyBulkWriteOperation<Document>[] {
  return updates.map((u) => {
    const $set: Document = {};
    const notNewer: Filter<Document>[] = [];
    for (const [key, value] of Object.entries(u.set)) {
      const path = `${anomaliesField}.${key}`;
      const asOf = new Date(value.asOf);
      $set[path] = { asOf, flags: value.flags };
      notNewer.push({
        $or: [{ [`${path}.asOf`]: { $exists: false } }, { [`${path}.asOf`]: { $lte: asOf } }],
      });
    }
    return { updateOne: { filter: { _id: u.handle, $and: notNewer } as Filter<Document>, update: { $set } } };
  });
}

/**
 * Upserts of run summaries keyed by (asset, asOf, paramsHash), the unique
 * index of the runs collection; a rerun replaces the same fields with the same
 * values.
 *
 * @example
 * buildRunUpserts([summary])[0].updateOne.filter; // { asset, asOf: Date, paramsHash }
 */
export function buildRunUpserts(runs: readonly RunSummary[]): AnyBulkWriteOperation<Document>[] {
  return runs.map((run) => {
    const key = { asset: run.asset, asOf: new Date(run.asOf), paramsHash: run.paramsHash };
    return { updateOne: { filter: key, update: { $set: { ...run, ...key } }, upsert: true } };
  });
}

/** An index to create: collection role, key and options. */
export interface IndexPlan {
  readonly collection: 'source' | 'runs';
  readonly key: IndexSpecification;
  readonly unique: boolean;
}

/**
 * The indexes the service relies on: (asset, time) on the source collection
 * (serves every read's filter and sort) and the unique run key on the runs
 * collection. Default index names are used so that an identical index created
 * by hand is recognised and creation stays idempotent.
 *
 * @example
 * indexPlans({ assetField: 'coin_id', timeField: 'timestamp', anomaliesField: 'anomalies' })[0].key;
 * // { coin_id: 1, timestamp: 1 }
 */
export function indexPlans(fields: MongoFieldNames): IndexPlan[] {
  return [
    { collection: 'source', key: { [fields.assetField]: 1, [fields.timeField]: 1 }, unique: false },
    { collection: 'runs', key: { asset: 1, asOf: 1, paramsHash: 1 }, unique: true },
  ];
}

/**
 * Splits a list into chunks of at most `size` items.
 *
 * @example
 * chunks([1, 2, 3], 2); // [[1, 2], [3]]
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
