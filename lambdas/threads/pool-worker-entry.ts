/**
 * The module each pool worker thread starts. From the TypeScript sources that is the bootstrap
 * that registers tsx; the CLI build (tools/build-cli.mjs) replaces this module with one naming
 * the bundled worker beside its chunks, so built runs never load TypeScript.
 *
 * @example
 * new Worker(POOL_WORKER_ENTRY);
 */
export const POOL_WORKER_ENTRY: URL = new URL('./pool-worker-bootstrap.mjs', import.meta.url);
