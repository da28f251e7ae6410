import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileDetectionStore, type FileStoreFields } from '../../lambdas/stores/file-store.ts';
import { dailyDocuments } from '../stores/store-fixtures.ts';
import { scratchDir } from './scratch-dir.ts';

/** The field mapping of the sample and of the generated universes (the service's defaults). */
export const STORE_FIELDS: FileStoreFields = {
  assetField: 'coin_id',
  timeField: 'timestamp',
  anomaliesField: 'anomalies',
};

/**
 * The bundled sample's documents of some assets in `[from, to)` (days,
 * `YYYY-MM-DD`), as NDJSON lines: real market data, spikes included.
 *
 * @example
 * const text = await sampleNdjson(['bitcoin', 'ftx-token'], '2022-11-01', '2023-01-01');
 */
export async function sampleNdjson(assets: readonly string[], from: string, to: string): Promise<string> {
  const sample = await readFile(
    new URL('../../sample/risk-scores-2022-2023.ndjson', import.meta.url),
    'utf8',
  );
  const wanted = new Set(assets);
  const lines = sample.split('\n').filter((line) => {
    if (line === '') return false;
    const doc = JSON.parse(line) as { coin_id: string; timestamp: { $date: string } };
    const day = doc.timestamp.$date.slice(0, 10);
    return wanted.has(doc.coin_id) && day >= from && day < to;
  });
  return `${lines.join('\n')}\n`;
}

/** The name of generated asset `i`: `asset-00042`, so names sort as numbers do. */
export const universeAsset = (i: number): string => `asset-${String(i).padStart(5, '0')}`;

/**
 * A generated universe as NDJSON: `assets` assets with `days` daily
 * documents from `firstDay` (volume and latest_price), every seventh asset
 * with a volume spike on its last day, so detection has flags to write.
 *
 * @example
 * const text = universeNdjson(3000, '2022-12-01', 7);
 */
export function universeNdjson(assets: number, firstDay: string, days: number): string {
  const names = Array.from({ length: assets }, (_, i) => universeAsset(i));
  const spiky = new Set(names.filter((_, i) => i % 7 === 0));
  const docs = dailyDocuments(names, firstDay, days, (asset, day) =>
    spiky.has(asset) && day === days - 1 ? 1e6 : 100 + ((day * 3 + asset.length) % 5),
  );
  return `${docs.map((d) => JSON.stringify(d)).join('\n')}\n`;
}

/**
 * A scratch folder of file stores (see `scratchDir`), each opened on a copy
 * of some NDJSON text; {@link dispose} closes every store (releasing its
 * lock) and removes the folder.
 *
 * @example
 * const folder = await StoreFolder.create();
 * const { store, path } = await folder.open(text);
 * await folder.dispose();
 */
export class StoreFolder {
  readonly #dir: string;
  readonly #open: FileDetectionStore[] = [];
  #count = 0;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Makes the folder. */
  static async create(): Promise<StoreFolder> {
    return new StoreFolder(await scratchDir('riskfence-e2e-'));
  }

  /** A new data file holding `text`, opened as a file store with {@link STORE_FIELDS}. */
  async open(text: string): Promise<{ store: FileDetectionStore; path: string }> {
    const path = join(this.#dir, `store-${++this.#count}.ndjson`);
    await writeFile(path, text);
    const store = await FileDetectionStore.open(path, STORE_FIELDS);
    this.#open.push(store);
    return { store, path };
  }

  /** Closes every store opened so far (they stay usable until then). */
  async closeAll(): Promise<void> {
    for (const store of this.#open.splice(0)) await store.close();
  }

  /** Closes every store and removes the folder. */
  async dispose(): Promise<void> {
    await this.closeAll();
    await rm(this.#dir, { recursive: true, force: true });
  }
}
