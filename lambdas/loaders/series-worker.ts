// Worker thread of the parallel NDJSON loader: loads one byte range and posts the part back.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../cli/command.ts';
import { loadSeriesPart } from './load-series.ts';
import type { WorkerMessage, WorkerTask } from './parallel-load.ts';

const task = workerData as WorkerTask;
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
  parentPort!.postMessage(message, transfer);

try {
  const result = await loadSeriesPart(task.source, task.mapping, {
    ...task.options,
    onProgress: (bytes) => post({ kind: 'progress', bytes }),
  });
  // Moving the typed arrays instead of copying them keeps the hand-over O(assets).
  const transfer = result.set.series.flatMap((s) => [
    s.times.buffer,
    s.refs.buffer,
    ...s.values.map((v) => v.buffer),
  ]);
  post({ kind: 'result', result }, transfer as ArrayBuffer[]);
} catch (e) {
  post({ kind: 'error', message: (e as Error).message, input: e instanceof InputError });
}
