import {
  type Collection,
  type Document,
  MongoBulkWriteError,
  MongoClient,
  type MongoClientOptions,
} from 'mongodb';
import type { ServiceConfig } from '../config/service-config.ts';
import { compileFieldPath, type FieldGetter } from '../core/field-path.ts';
import { classifyMongoError } from './classify-error.ts';
import {
  type AssetListing,
  type DetectionStore,
  type FlagUpdate,
  READ_BATCH_DOCUMENTS,
  type ReadBatch,
  type ReadQuery,
  type RunMark,
  type RunQuery,
  type RunSummary,
  type TimeLimit,
  type WriteResult,
} from './detection-store.ts';
import {
  buildFindQuery,
  buildFlagOps,
  buildRunQuery,
  buildRunUpserts,
  chunks,
  type IndexPlan,
  indexPlans,
  type MongoFieldNames,
} from './mongo-queries.ts';
import { PermanentStoreError } from './store-errors.ts';

/** Where the store reads and writes. */
export interface MongoStoreOptions extends MongoFieldNames {
  readonly database: string;
  readonly sourceCollection: string;
  readonly runsCollection: string;
  /** Operations per `bulkWrite` call. @default 500 */
  readonly bulkChunkSize?: number;
}

/**
 * Client options for one Lambda execution environment: a small pool (the
 * event source's maximum concurrency times the pool size must stay under the
 * cluster's connection limit) and timeouts well below the function timeout, so
 * an unreachable server becomes a retried record rather than a timed-out batch.
 */
export const LAMBDA_CLIENT_OPTIONS: MongoClientOptions = {
  maxPoolSize: 3,
  minPoolSize: 0,
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 5_000,
  socketTimeoutMS: 30_000,
  maxIdleTimeMS: 60_000,
  retryReads: true,
  retryWrites: true,
  appName: 'riskfence',
};

/**
 * Creates a MongoDB client; it connects lazily on first use. Create it once
 * per execution environment and reuse it across invocations.
 *
 * @param uri - connection string (never logged)
 * @param options - overrides of {@link LAMBDA_CLIENT_OPTIONS}
 *
 * @example
 * const client = createMongoClient(uri, { serverSelectionTimeoutMS: 2_000 });
 */
export function createMongoClient(uri: string, options: MongoClientOptions = {}): MongoClient {
  return new MongoClient(uri, { ...LAMBDA_CLIENT_OPTIONS, ...options });
}

/**
 * The MongoDB adapter of {@link DetectionStore}: one streamed `find` per read
 * (consumed asset by asset), unordered `bulkWrite`s in chunks for flag
 * entries and run summaries. Every driver error is rethrown classified (see
 * `classifyMongoError`), except a server's rejection of single documents in a
 * flag write: those documents are counted as rejected and the rest of the
 * request is still written (SPEC section 4).
 *
 * @example
 * const store = new MongoDetectionStore(createMongoClient(uri), { database: 'riskfence', ... });
 * await store.ensureIndexes();
 */
export class MongoDetectionStore implements DetectionStore {
  readonly #options: MongoStoreOptions;
  readonly #source: Collection<Document>;
  readonly #runs: Collection<Document>;
  readonly #assetOf: FieldGetter;

  constructor(client: MongoClient, options: MongoStoreOptions) {
    this.#options = options;
    const db = client.db(options.database);
    this.#source = db.collection(options.sourceCollection);
    this.#runs = db.collection(options.runsCollection);
    this.#assetOf = compileFieldPath(options.assetField);
  }

  async *read(query: ReadQuery): AsyncGenerator<ReadBatch> {
    const { filter, projection, sort } = buildFindQuery(query, this.#options);
    const cursor = this.#source.find(filter, {
      projection,
      sort,
      ...timeLimit(query),
    });
    try {
      let documents: Document[] = [];
      let lastAsset: unknown;
      for await (const doc of cursor) {
        const asset = this.#assetOf(doc);
        if (documents.length >= READ_BATCH_DOCUMENTS && asset !== lastAsset) {
          yield { documents, handles: documents.map((d) => d._id) };
          documents = [];
        }
        documents.push(doc);
        lastAsset = asset;
      }
      if (documents.length > 0) yield { documents, handles: documents.map((d) => d._id) };
    } catch (e) {
      throw classifyMongoError(e);
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  async listAssets(range: AssetListing): Promise<string[]> {
    const { assetField, timeField } = this.#options;
    try {
      const assets = await this.#source.distinct(
        assetField,
        { [timeField]: { $gte: new Date(range.from), $lt: new Date(range.to) } },
        timeLimit(range),
      );
      return assets.filter((a): a is string => typeof a === 'string').sort();
    } catch (e) {
      throw classifyMongoError(e);
    }
  }

  async writeFlags(updates: readonly FlagUpdate[]): Promise<WriteResult> {
    let written = 0;
    let rejected = 0;
    for (const ops of chunks(buildFlagOps(updates, this.#options.anomaliesField), this.#chunkSize())) {
      try {
        const result = await this.#source.bulkWrite(ops, { ordered: false });
        written += result.modifiedCount;
        rejected += ops.length - result.matchedCount;
      } catch (e) {
        const classified = classifyMongoError(e);
        if (!(classified instanceof PermanentStoreError) || !isDocumentRejection(e)) throw classified;
        written += e.result.modifiedCount;
        rejected += ops.length - e.result.matchedCount;
      }
    }
    return { written, rejected };
  }

  async upsertRuns(runs: readonly RunSummary[]): Promise<void> {
    try {
      for (const ops of chunks(buildRunUpserts(runs), this.#chunkSize())) {
        await this.#runs.bulkWrite(ops, { ordered: false });
      }
    } catch (e) {
      throw classifyMongoError(e);
    }
  }

  async findRuns(query: RunQuery): Promise<RunMark[]> {
    const { filter, projection, sort } = buildRunQuery(query);
    try {
      const docs = await this.#runs.find(filter, { projection, sort, ...timeLimit(query) }).toArray();
      return docs.map((d) => ({
        asset: String(d.asset),
        asOf: (d.asOf as Date).getTime(),
        paramsHash: String(d.paramsHash),
        timeframes: (d.params?.timeframes ?? []) as number[],
        metrics: (d.params?.metrics ?? []) as string[],
      }));
    } catch (e) {
      throw classifyMongoError(e);
    }
  }

  /**
   * A read of named assets found nothing: looks at one of their documents.
   * Its time stored as a string or number (a CSV or plain-JSON import) never
   * matches the service's date range, and says so with the fix.
   */
  async explainEmptyRead(query: ReadQuery): Promise<string | undefined> {
    if (query.assets === null) return undefined;
    const { assetField, timeField, sourceCollection } = this.#options;
    try {
      const doc = await this.#source.findOne(
        { [assetField]: { $in: [...query.assets] } },
        { projection: { [timeField]: 1 } },
      );
      if (doc === null) return undefined;
      const time = compileFieldPath(timeField)(doc);
      if (time instanceof Date) return undefined;
      return (
        `${sourceCollection}.${timeField} holds ${typeof time} values (e.g. ${JSON.stringify(time)}), not dates, ` +
        `so no time range matches; convert them: db.${sourceCollection}.updateMany({ ${timeField}: { $type: 'string' } }, ` +
        `[{ $set: { ${timeField}: { $toDate: '$${timeField}' } } }])`
      );
    } catch (e) {
      throw classifyMongoError(e);
    }
  }

  async missingIndexes(): Promise<string[]> {
    const missing: string[] = [];
    try {
      for (const plan of indexPlans(this.#options)) {
        const collection = this.#collectionOf(plan);
        const existing = await collection
          .listIndexes()
          .toArray()
          .catch((e: unknown) => {
            // A collection that does not exist yet has no indexes (NamespaceNotFound).
            if ((e as { code?: unknown }).code === 26) return [];
            throw e;
          });
        const wanted = JSON.stringify(plan.key);
        if (!existing.some((i) => JSON.stringify(i.key) === wanted)) {
          missing.push(`${collection.collectionName} ${wanted}`);
        }
      }
    } catch (e) {
      throw classifyMongoError(e);
    }
    return missing;
  }

  /**
   * Creates the (asset, time) index and the runs collection's unique key.
   * Idempotent: an existing identical index is left as is.
   *
   * @returns the names of the indexes
   */
  async ensureIndexes(): Promise<string[]> {
    const names: string[] = [];
    try {
      for (const plan of indexPlans(this.#options)) {
        const collection = this.#collectionOf(plan);
        names.push(await collection.createIndex(plan.key, plan.unique ? { unique: true } : {}));
      }
    } catch (e) {
      throw classifyMongoError(e);
    }
    return names;
  }

  #collectionOf(plan: IndexPlan): Collection<Document> {
    return plan.collection === 'source' ? this.#source : this.#runs;
  }

  #chunkSize(): number {
    return this.#options.bulkChunkSize ?? 500;
  }
}

/** A bulk write some of whose documents the server refused one by one (no write-concern failure). */
function isDocumentRejection(e: unknown): e is MongoBulkWriteError {
  return (
    e instanceof MongoBulkWriteError &&
    Array.isArray(e.writeErrors) &&
    e.writeErrors.length > 0 &&
    e.result !== undefined
  );
}

/**
 * The store options of a service configuration (database, collections, fields).
 *
 * @example
 * new MongoDetectionStore(client, mongoStoreOptions(loadServiceConfig(process.env)));
 */
export function mongoStoreOptions(
  config: Pick<
    ServiceConfig,
    'database' | 'sourceCollection' | 'runsCollection' | 'anomaliesField' | 'mapping'
  >,
): MongoStoreOptions {
  return {
    database: config.database,
    sourceCollection: config.sourceCollection,
    runsCollection: config.runsCollection,
    assetField: config.mapping.assetField,
    timeField: config.mapping.timeField,
    anomaliesField: config.anomaliesField,
  };
}

/** A query's `maxTimeMS` option, or nothing when it has no limit. */
function timeLimit({ maxTimeMS }: TimeLimit): { maxTimeMS?: number } {
  return maxTimeMS === undefined ? {} : { maxTimeMS };
}
