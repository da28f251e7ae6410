import { find, Query, updateOne } from 'mingo';
import type { Document, MongoClient } from 'mongodb';

/**
 * A query-semantics harness for `MongoDetectionStore`: the few collection
 * methods the adapter and its tests call (`find` with projection and sort,
 * `findOne`, `distinct`, `bulkWrite` of `updateOne`s with filters, pipeline
 * updates and upserts, `listIndexes`, `createIndex`, `insertMany`,
 * `insertOne`, `countDocuments`, `dropDatabase`) evaluated by mingo, a
 * maintained implementation of MongoDB's query language.
 *
 * It checks what the adapter's filters and updates MEAN — operators, dotted
 * paths, `$type`, `$cond`/`$$REMOVE` pipelines — so that the store contract
 * suite runs the real adapter code and its real query documents here. It is
 * not MongoDB: no wire protocol, no indexes (listed, not used), no write
 * concern, no errors; the scripted wire responder covers the driver and its
 * errors, and the contract suite against a real server (`MONGODB_URI`, the CI
 * workflow) covers the rest.
 *
 * @example
 * const client = mingoClient();
 * const store = new MongoDetectionStore(client, options);
 */
export function mingoClient(): MongoClient {
  const databases = new Map<string, Map<string, MingoCollection>>();
  return {
    async close() {
      databases.clear();
    },
    db(name: string) {
      let collections = databases.get(name);
      if (!collections) {
        collections = new Map();
        databases.set(name, collections);
      }
      const db = collections;
      return {
        async dropDatabase() {
          db.clear();
        },
        collection(collectionName: string) {
          let c = db.get(collectionName);
          if (!c) {
            c = new MingoCollection(collectionName);
            db.set(collectionName, c);
          }
          return c;
        },
      };
    },
  } as unknown as MongoClient;
}

type BulkOp = {
  updateOne: { filter: Document; update: Document | Document[]; upsert?: boolean };
};

/** One collection: documents in insertion order, evaluated by mingo. */
export class MingoCollection {
  readonly collectionName: string;
  readonly documents: Document[] = [];
  readonly #indexes: { key: Document; name: string }[] = [{ key: { _id: 1 }, name: '_id_' }];

  constructor(name: string) {
    this.collectionName = name;
  }

  async insertMany(docs: readonly Document[]): Promise<void> {
    for (const d of docs) this.documents.push(structuredClone(d));
  }

  async insertOne(doc: Document): Promise<void> {
    await this.insertMany([doc]);
  }

  async countDocuments(filter: Document = {}): Promise<number> {
    const query = new Query(filter);
    return this.documents.filter((d) => query.test(d)).length;
  }

  find(filter: Document, options: { projection?: Document; sort?: Document } = {}) {
    let cursor = find(this.documents, filter, options.projection);
    if (options.sort) cursor = cursor.sort(options.sort as Record<string, 1 | -1>);
    const results = () => (cursor.all() as Document[]).map((d) => structuredClone(d));
    return {
      toArray: async () => results(),
      close: async () => undefined,
      async *[Symbol.asyncIterator]() {
        yield* results();
      },
    };
  }

  async findOne(filter: Document, options: { projection?: Document } = {}): Promise<Document | null> {
    return (await this.find(filter, options).toArray())[0] ?? null;
  }

  async distinct(field: string, filter: Document): Promise<unknown[]> {
    const query = new Query(filter);
    const values = new Set<unknown>();
    for (const d of this.documents) if (query.test(d)) values.add(d[field]);
    return [...values];
  }

  async bulkWrite(ops: readonly BulkOp[]): Promise<{ matchedCount: number; modifiedCount: number }> {
    let matchedCount = 0;
    let modifiedCount = 0;
    for (const { updateOne: op } of ops) {
      const result = updateOne(this.documents, op.filter, op.update as never);
      matchedCount += result.matchedCount;
      modifiedCount += result.modifiedCount;
      if (result.matchedCount === 0 && op.upsert) {
        const equalities = Object.fromEntries(
          Object.entries(op.filter).filter(([k, v]) => !k.startsWith('$') && !isOperator(v)),
        );
        const inserted: Document = structuredClone(equalities);
        updateOne([inserted], {}, op.update as never);
        this.documents.push(inserted);
      }
    }
    return { matchedCount, modifiedCount };
  }

  listIndexes() {
    return { toArray: async () => this.#indexes.map((i) => ({ ...i })) };
  }

  async createIndex(key: Document): Promise<string> {
    const name = Object.entries(key)
      .map(([k, v]) => `${k}_${v}`)
      .join('_');
    if (!this.#indexes.some((i) => i.name === name)) this.#indexes.push({ key, name });
    return name;
  }
}

function isOperator(v: unknown): boolean {
  return (
    v !== null &&
    typeof v === 'object' &&
    !(v instanceof Date) &&
    Object.keys(v).some((k) => k.startsWith('$'))
  );
}
