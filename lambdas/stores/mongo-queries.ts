import type { AnyBulkWriteOperation, Document, Filter, IndexSpecification } from 'mongodb';
import type { FlagUpdate, ReadQuery, RunQuery, RunSummary } from './detection-store.ts';

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

/** The earliest BSON date: an entry without a readable `asOf` compares as older than any evaluation. */
const EARLIEST = new Date(-8_640_000_000_000_000);

/**
 * A filter that matches while `path` is absent or holds an embedded document
 * (not `null`, a scalar or an array: `$type: 'object'` alone would match an
 * array of documents).
 *
 * @example
 * objectOrMissing('anomalies');
 * // { $and: [{ $or: [{ anomalies: { $exists: false } }, { anomalies: { $type: 'object' } }] },
 * //          { anomalies: { $not: { $type: 'array' } } }] }
 */
export function objectOrMissing(path: string): Filter<Document> {
  return {
    $and: [
      { $or: [{ [path]: { $exists: false } }, { [path]: { $type: 'object' } }] },
      { [path]: { $not: { $type: 'array' } } },
    ],
  };
}

/**
 * One `updateOne` per document whose update is an aggregation pipeline that
 * sets or removes each changed entry `anomalies.dT.<metric>` on its own
 * condition: the stored entry is absent or its `asOf` is no later than the
 * update's. So a later evaluation is never undone, the entries of other
 * metrics and timeframes are never touched, and check and write are one
 * atomic document update (no read-modify-write race between two requests
 * for different metrics of one asset).
 *
 * The filter matches only while the flags root and each touched timeframe
 * sub-document are absent or embedded documents, so a document whose flags
 * field holds something else is never matched (and never rewritten).
 *
 * @param updates - entry changes; handles are the documents' `_id`
 * @param anomaliesField - root field of the entries
 * @returns one operation per update, in order
 *
 * Complexity: O(entry changes).
 *
 * @example
 * buildFlagOps([{ handle: 'b:1', asOf: 0, changes: [{ timeframeKey: 'd7', metric: 'volume', flag: null }] }], 'anomalies');
 * // [{ updateOne: { filter: { _id: 'b:1', $and: [...] }, update: [{ $set: { 'anomalies.d7.volume':
 * //   { $cond: [{ $lte: [<'$anomalies.d7.volume.asOf' if a date, else EARLIEST>, new Date(0)] },
 * //             '$$REMOVE', '$anomalies.d7.volume'] } } }] } }]
 */
export function buildFlagOps(
  updates: readonly FlagUpdate[],
  anomaliesField: string,
): AnyBulkWriteOperation<Document>[] {
  return updates.map((u) => {
    const asOf = new Date(u.asOf);
    const $set: Document = {};
    const shapes: Filter<Document>[] = [objectOrMissing(anomaliesField)];
    const timeframes = new Set<string>();
    for (const c of u.changes) {
      if (!timeframes.has(c.timeframeKey)) {
        timeframes.add(c.timeframeKey);
        shapes.push(objectOrMissing(`${anomaliesField}.${c.timeframeKey}`));
      }
      const path = `${anomaliesField}.${c.timeframeKey}.${c.metric}`;
      // The array form of $cond: an object with a `then` key would be a thenable to JavaScript.
      $set[path] = {
        $cond: [
          // Anything but a date (missing, garbage) counts as older, whatever BSON's cross-type order says.
          {
            $lte: [
              { $cond: [{ $eq: [{ $type: `$${path}.asOf` }, 'date'] }, `$${path}.asOf`, EARLIEST] },
              asOf,
            ],
          },
          c.flag === null ? '$$REMOVE' : { $literal: { ...c.flag, asOf, since: new Date(c.flag.since) } },
          `$${path}`,
        ],
      };
    }
    return { updateOne: { filter: { _id: u.handle, $and: shapes } as Filter<Document>, update: [{ $set }] } };
  });
}

/**
 * Upserts of run summaries keyed by (asset, asOf, paramsHash), the unique
 * index of the runs collection; a rerun replaces the same fields with the same
 * values. Instants are stored as dates.
 *
 * @example
 * buildRunUpserts([summary])[0].updateOne.filter; // { asset, asOf: Date, paramsHash }
 */
export function buildRunUpserts(runs: readonly RunSummary[]): AnyBulkWriteOperation<Document>[] {
  return runs.map((run) => {
    const key = { asset: run.asset, asOf: new Date(run.asOf), paramsHash: run.paramsHash };
    return {
      updateOne: {
        filter: key,
        update: { $set: { ...run, ...key, from: new Date(run.from) } },
        upsert: true,
      },
    };
  });
}

/**
 * The `find` of run summaries that guards (window) or resumes (rolling) a
 * job: served by the runs collection's (asset, asOf, paramsHash) index, with
 * only the fields a {@link RunMark} needs.
 *
 * @example
 * buildRunQuery({ assets: ['bitcoin'], mode: 'window', asOfAfter: 0 }).filter;
 * // { asset: { $in: ['bitcoin'] }, 'params.mode': 'window', asOf: { $gt: new Date(0) } }
 */
export function buildRunQuery(query: RunQuery): FindQuery {
  const filter: Filter<Document> = {};
  if (query.assets !== null) filter.asset = { $in: [...query.assets] };
  filter['params.mode'] = query.mode;
  const asOf: Document = {};
  if (Number.isFinite(query.asOfAfter)) asOf.$gt = new Date(query.asOfAfter);
  if (query.asOfBefore !== undefined) asOf.$lt = new Date(query.asOfBefore);
  if (Object.keys(asOf).length > 0) filter.asOf = asOf;
  if (query.paramsHash !== undefined) filter.paramsHash = query.paramsHash;
  return {
    filter,
    projection: { _id: 0, asset: 1, asOf: 1, paramsHash: 1, 'params.timeframes': 1, 'params.metrics': 1 },
    sort: { asset: 1, asOf: 1 },
  };
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
