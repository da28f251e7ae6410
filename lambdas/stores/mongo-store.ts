import { type Collection, type Document, MongoClient, type MongoClientOptions } from 'mongodb';
import type { ServiceConfig } from '../config/service-config.ts';
import { classifyMongoError } from './classify-error.ts';
import type {
  DetectionStore,
  FlagUpdate,
  ReadBatch,
  ReadQuery,
  RunSummary,
  WriteResult,
} from './detection-store.ts';
import {
  buildBulkOps,
  buildFindQuery,
  buildRunUpserts,
  chunks,
  indexPlans,
  type MongoFieldNames,
} from './mongo-queries.ts';

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
 * The MongoDB adapter of {@link DetectionStore}: one `find` per read, unordered
 * `bulkWrite`s in chunks for flags and run summaries. Every driver error is
 * rethrown classified (see `classifyMongoError`).
 *
 * @example
 * const store = new MongoDetectionStore(createMongoClient(uri), { database: 'riskfence', ... });
 * await store.ensureIndexes();
 */
export class MongoDetectionStore implements DetectionStore {
  readonly #options: MongoStoreOptions;
  readonly #source: Collection<Document>;
  readonly #runs: Collection<Document>;

  constructor(client: MongoClient, options: MongoStoreOptions) {
    this.#options = options;
    const db = client.db(options.database);
    this.#source = db.collection(options.sourceCollection);
    this.#runs = db.collection(options.runsCollection);
  }

  async read(query: ReadQuery): Promise<ReadBatch> {
    const { filter, projection, sort } = buildFindQuery(query, this.#options);
    try {
      const documents = await this.#source.find(filter, { projection, sort }).toArray();
      return { documents, handles: documents.map((d) => d._id) };
    } catch (e) {
      throw classifyMongoError(e);
    }
  }

  async writeFlags(updates: readonly FlagUpdate[]): Promise<WriteResult> {
    let written = 0;
    try {
      for (const ops of chunks(buildBulkOps(updates, this.#options.anomaliesField), this.#chunkSize())) {
        written += (await this.#source.bulkWrite(ops, { ordered: false })).modifiedCount;
      }
    } catch (e) {
      throw classifyMongoError(e);
    }
    return { written };
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
        const collection = plan.collection === 'source' ? this.#source : this.#runs;
        names.push(await collection.createIndex(plan.key, plan.unique ? { unique: true } : {}));
      }
    } catch (e) {
      throw classifyMongoError(e);
    }
    return names;
  }

  #chunkSize(): number {
    return this.#options.bulkChunkSize ?? 500;
  }
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
