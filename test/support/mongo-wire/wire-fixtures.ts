import { BSON, type Document, type MongoClient, type MongoClientOptions } from 'mongodb';
import {
  createMongoClient,
  MongoDetectionStore,
  type MongoStoreOptions,
} from '../../../lambdas/stores/mongo-store.ts';
import { cursorReply } from './replies.ts';
import type { ReceivedCommand, ScriptedResponder } from './scripted-responder.ts';

/** Where the store under test reads and writes (the service's defaults). */
export const WIRE_STORE_OPTIONS: MongoStoreOptions = Object.freeze({
  database: 'riskfence',
  sourceCollection: 'risk_scores',
  runsCollection: 'anomaly_runs',
  assetField: 'coin_id',
  timeField: 'timestamp',
  anomaliesField: 'anomalies',
});

/** The source collection's namespace, for cursor replies. */
export const SOURCE_NS = `${WIRE_STORE_OPTIONS.database}.${WIRE_STORE_OPTIONS.sourceCollection}`;

/**
 * Client overrides that keep a failing test short: the driver still retries
 * once, but server selection and connections give up well under a second.
 */
export const FAST_CLIENT_OPTIONS: MongoClientOptions = Object.freeze({
  serverSelectionTimeoutMS: 800,
  connectTimeoutMS: 800,
  socketTimeoutMS: 2_000,
});

/**
 * A client of the service (`createMongoClient`, the Lambda's options) talking
 * to the responder over a direct connection, and a real `MongoDetectionStore` on it.
 *
 * @param userInfo - `user:password` to authenticate with (the responder refuses every SCRAM conversation)
 */
export function wireStore(
  responder: ScriptedResponder,
  options: MongoClientOptions = {},
  storeOptions: Partial<MongoStoreOptions> = {},
  userInfo?: string,
): { client: MongoClient; store: MongoDetectionStore } {
  const authority = userInfo === undefined ? responder.address : `${userInfo}@${responder.address}`;
  const client = createMongoClient(`mongodb://${authority}/?directConnection=true&authSource=admin`, {
    ...FAST_CLIENT_OPTIONS,
    ...options,
  });
  return { client, store: new MongoDetectionStore(client, { ...WIRE_STORE_OPTIONS, ...storeOptions }) };
}

/** The `_id`s of the statements of an `update` command (`updates[i].q._id`). */
export function updatedIds(command: ReceivedCommand): unknown[] {
  return (command.body.updates as Document[]).map((u) => (u.q as Document)._id);
}

/** Every `_id` the recorded `update` commands on `collection` named, in order (retries included). */
export function allUpdatedIds(responder: ScriptedResponder, collection: string): unknown[] {
  return responder.commands('update', collection).flatMap(updatedIds);
}

/** A matcher for `update` commands touching a document of `asset` (`_id` prefixed `asset:`). */
export function touches(asset: string): (command: ReceivedCommand) => boolean {
  return (command) => updatedIds(command).some((id) => String(id).startsWith(`${asset}:`));
}

/** A matcher for `find` commands whose asset filter names `asset`. */
export function readsAsset(asset: string): (command: ReceivedCommand) => boolean {
  return (command) => {
    const filter = command.body.filter as Document | undefined;
    const assets = (filter?.[WIRE_STORE_OPTIONS.assetField] as Document | undefined)?.$in;
    return Array.isArray(assets) && assets.includes(asset);
  };
}

/** Relaxed Extended JSON fixtures (`{"$date": …}`) as the BSON values a server returns. */
export function asBson(documents: readonly Record<string, unknown>[]): Document[] {
  return documents.map((d) => BSON.EJSON.deserialize(d, { relaxed: true }));
}

/** A matcher for `update` commands upserting a run summary of `asset` (`updates[i].q.asset`). */
export function upsertsAsset(asset: string): (command: ReceivedCommand) => boolean {
  return (command) => (command.body.updates as Document[]).some((u) => (u.q as Document).asset === asset);
}

/**
 * Scripts, for every read naming an asset, the canned documents of that asset
 * as its cursor's only batch, however often it is asked (retries included).
 * The choice is by the asset named in the filter, nothing more: the documents
 * must already be those the read's range would match.
 */
export function serveDocuments(responder: ScriptedResponder, documents: readonly Document[]): void {
  const byAsset = new Map<string, Document[]>();
  for (const d of documents) {
    const asset = String(d[WIRE_STORE_OPTIONS.assetField]);
    byAsset.set(asset, [...(byAsset.get(asset) ?? []), d]);
  }
  for (const [asset, docs] of byAsset) {
    responder.script(
      { command: 'find', collection: WIRE_STORE_OPTIONS.sourceCollection, where: readsAsset(asset) },
      { reply: cursorReply(SOURCE_NS, docs) },
      Number.POSITIVE_INFINITY,
    );
  }
}
