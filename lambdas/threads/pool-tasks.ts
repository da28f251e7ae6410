import { detectBlockTask } from '../cli/detect/detect-block.ts';
import { buildSeriesTask, loadPartsTask } from '../loaders/parallel-load.ts';

/** What a task gives back: its value, and the buffers to move rather than copy. */
export interface TaskResult<T> {
  readonly value: T;
  readonly transfer: readonly ArrayBuffer[];
}

/**
 * The tasks a pool thread runs, by name: parsing byte ranges of a file,
 * building assets' series from the ranges' parts, and judging a block of assets.
 *
 * @example
 * await POOL_TASKS['detect-block']({ metrics, block: { series }, job }, () => {});
 */
export const POOL_TASKS = {
  'load-parts': loadPartsTask,
  'build-series': buildSeriesTask,
  'detect-block': detectBlockTask,
} as const;

/** The task table's type, for typed calls from the main thread. */
export type PoolTasks = typeof POOL_TASKS;
