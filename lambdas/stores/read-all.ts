import type { DetectionStore, ReadBatch, ReadQuery } from './detection-store.ts';

/**
 * Every document of a query in one batch, for callers that need them all at
 * once (local reports on small stores); the service streams instead.
 *
 * @example
 * const { documents } = await readAll(store, { assets: ['bitcoin'], from, to, metrics: [] });
 */
export async function readAll(store: DetectionStore, query: ReadQuery): Promise<ReadBatch> {
  const documents: unknown[] = [];
  const handles: unknown[] = [];
  for await (const batch of store.read(query)) {
    for (const d of batch.documents) documents.push(d);
    for (const h of batch.handles) handles.push(h);
  }
  return { documents, handles };
}
