import type { ServiceConfig } from '../config/service-config.ts';
import { seriesFromDocuments } from '../core/series-from-documents.ts';
import { MongoDetectionStore, mongoStoreOptions } from '../stores/mongo-store.ts';
import { withMongoClient } from './mongo-client.ts';
import { inputName, type LoadedInput, type ReadRange } from './series-flags.ts';

/**
 * Reads the series of a command from MongoDB with the service's own query,
 * projection and sort (`MongoDetectionStore.read`): the configured asset,
 * time and metric fields plus the stored flags, of the wanted assets in
 * `[from, to)`. Documents without a usable asset or time are reported as
 * problems with their position in the result and their `_id`, as files report a line.
 *
 * @param uri - connection string (never printed)
 * @param config - database, collection and field mapping
 * @param query - assets (`undefined` = all) and the time range
 * @returns the series, the problems and the documents' `_id`s (for `--out`)
 * @throws `InputError` for an invalid URI or a failed read (one line, no credentials)
 *
 * Complexity: one `find`, then O(documents · metrics) plus the series sort.
 *
 * @example
 * await readMongoSeries(uri, config, { assets: ['bitcoin'], range: ALL_TIME });
 */
export async function readMongoSeries(
  uri: string,
  config: ServiceConfig,
  query: { readonly assets: readonly string[] | undefined; readonly range: ReadRange },
): Promise<LoadedInput> {
  const name = inputName({ kind: 'mongo', uri }, config);
  const documents: unknown[] = [];
  const ids: unknown[] = [];
  await withMongoClient(uri, `read ${name}`, {}, async (client) => {
    const store = new MongoDetectionStore(client, mongoStoreOptions(config));
    const read = store.read({
      assets: query.assets ?? null,
      from: query.range.from,
      to: query.range.to,
      metrics: config.mapping.metrics,
    });
    // A loop, not push(...batch): a batch can hold more documents than a spread call takes.
    for await (const batch of read) {
      for (const d of batch.documents) documents.push(d);
      for (const h of batch.handles) ids.push(h);
    }
  });
  const { set, rejected } = seriesFromDocuments(documents, config.mapping);
  return {
    set,
    problems: rejected.map((r) => ({
      source: name,
      line: r.index + 1,
      reason: `_id ${String(ids[r.index])}: ${r.reason}`,
    })),
    documents: documents.length,
    ids,
    format: 'ndjson',
    formatName: 'mongodb',
    name,
  };
}
