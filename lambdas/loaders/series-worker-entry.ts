/**
 * The module each parallel-load worker thread starts. From the TypeScript sources that is the
 * bootstrap that registers tsx; the CLI build (tools/build-cli.mjs) replaces this module with
 * one naming the bundled worker beside its chunks, so built runs never load TypeScript.
 *
 * @example
 * new Worker(SERIES_WORKER_ENTRY, { workerData: task });
 */
export const SERIES_WORKER_ENTRY: URL = new URL('./series-worker-bootstrap.mjs', import.meta.url);
