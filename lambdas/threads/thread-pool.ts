import { Worker } from 'node:worker_threads';
import { InputError } from '../cli/command.ts';
import type { AssetSeries } from '../core/series.ts';
import type { PoolTasks } from './pool-tasks.ts';
import { POOL_WORKER_ENTRY } from './pool-worker-entry.ts';

/** Names of the tasks a pool thread can run (see `POOL_TASKS`). */
export type TaskName = keyof PoolTasks;
/** What task `K` is given. */
export type TaskInput<K extends TaskName> = Parameters<PoolTasks[K]>[0];
/** What task `K` gives back. */
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<PoolTasks[K]>>['value'];

/** A request to a pool thread. */
export interface TaskRequest {
  readonly task: TaskName;
  readonly input: unknown;
}

/** What a pool thread posts back: progress, the task's value, or the error that stopped it. */
export type TaskReply =
  | { readonly kind: 'progress'; readonly progress: number }
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'error'; readonly message: string; readonly input: boolean };

/** A task sent to a thread and not yet answered. */
interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress: ((progress: number) => void) | undefined;
}

/**
 * Worker threads that run named tasks (`POOL_TASKS`): the CLI parses a large
 * file's byte ranges on them, then runs the detector on blocks of assets on
 * the same threads, so each thread is started and compiled once per run.
 *
 * Each thread runs its tasks one at a time in the order sent; sending the
 * next task before the current one ends keeps a thread busy while this one
 * is. A thread with no task does not keep the process alive; one with a task
 * does. An `InputError` thrown by a task is an `InputError` here too.
 *
 * @example
 * const pool = ThreadPool.start(1);
 * try {
 *   const parts = await pool.run(0, 'load-parts', task, [], (bytes) => {});
 * } finally {
 *   await pool.close();
 * }
 */
export class ThreadPool {
  readonly #workers: Worker[];
  readonly #pending: Pending[][];

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    this.#pending = workers.map(() => []);
    workers.forEach((worker, t) => {
      worker.unref();
      worker.on('message', (reply: TaskReply) => this.#answer(t, reply));
      worker.once('error', (e) => this.#fail(t, e));
      worker.once('exit', (code) => this.#fail(t, new Error(`a worker thread exited with code ${code}`)));
    });
  }

  /**
   * Starts `size` threads (0 gives a pool that runs nothing, for one-thread runs).
   * @example
   * ThreadPool.start(availableParallelism() - 1);
   */
  static start(size: number): ThreadPool {
    return new ThreadPool(Array.from({ length: size }, () => new Worker(POOL_WORKER_ENTRY)));
  }

  /** Threads in the pool (besides the calling one). */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * Runs a task on thread `thread`, after the tasks already sent to it.
   *
   * @param transfer - buffers moved to the thread instead of copied (unusable here afterwards)
   * @param onProgress - receives the task's progress reports
   * @throws what the task threw (`InputError` stays one), or an `Error` when the thread died
   */
  run<K extends TaskName>(
    thread: number,
    task: K,
    input: TaskInput<K>,
    transfer: readonly ArrayBuffer[] = [],
    onProgress?: (progress: number) => void,
  ): Promise<TaskOutput<K>> {
    const worker = this.#workers[thread];
    if (worker === undefined) throw new Error(`the pool has no thread ${thread}`);
    return new Promise<TaskOutput<K>>((resolve, reject) => {
      const queue = this.#pending[thread]!;
      queue.push({ resolve: resolve as (value: unknown) => void, reject, onProgress });
      if (queue.length === 1) worker.ref();
      worker.postMessage({ task, input } satisfies TaskRequest, transfer as ArrayBuffer[]);
    });
  }

  /** Stops every thread; tasks still pending fail. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  #answer(thread: number, reply: TaskReply): void {
    const queue = this.#pending[thread]!;
    if (reply.kind === 'progress') {
      queue[0]?.onProgress?.(reply.progress);
      return;
    }
    const task = queue.shift();
    if (queue.length === 0) this.#workers[thread]!.unref();
    if (reply.kind === 'result') task?.resolve(reply.value);
    else task?.reject(reply.input ? new InputError(reply.message) : new Error(reply.message));
  }

  #fail(thread: number, error: Error): void {
    const queue = this.#pending[thread]!.splice(0);
    for (const task of queue) task.reject(error);
  }
}

/**
 * The buffers of some series, for moving them to another thread: O(series)
 * instead of copying every point. Each buffer once, so a list never names
 * one twice (which `postMessage` refuses).
 *
 * @example
 * pool.run(0, 'detect-block', { set, job }, seriesBuffers(set.series));
 */
export function seriesBuffers(series: readonly AssetSeries[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const s of series) {
    buffers.add(s.times.buffer as ArrayBuffer);
    buffers.add(s.refs.buffer as ArrayBuffer);
    for (const v of s.values) buffers.add(v.buffer as ArrayBuffer);
  }
  return [...buffers];
}
