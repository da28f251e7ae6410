// Entry of the thread pool's worker threads. Node 20 workers do not inherit the main
// thread's TypeScript loader (and ignore an `--import` in their execArgv for the entry
// module), so the worker registers tsx itself before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./pool-worker.ts');
