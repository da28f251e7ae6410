// A pool worker thread: runs each task it is sent, one at a time, and posts back its result.
import { parentPort } from 'node:worker_threads';
import { InputError } from '../cli/command.ts';
import { POOL_TASKS } from './pool-tasks.ts';
import type { TaskReply, TaskRequest } from './thread-pool.ts';

const port = parentPort!;
const post = (reply: TaskReply, transfer: readonly ArrayBuffer[] = []) =>
  port.postMessage(reply, transfer as ArrayBuffer[]);

// One task at a time, in the order sent: replies must come back in that order.
let queue = Promise.resolve();
port.on('message', (request: TaskRequest) => {
  queue = queue.then(() => runTask(request));
});

async function runTask({ task, input }: TaskRequest): Promise<void> {
  try {
    const run = POOL_TASKS[task] as (
      input: unknown,
      progress: (n: number) => void,
    ) => ReturnType<(typeof POOL_TASKS)[typeof task]>;
    const { value, transfer } = await run(input, (progress) => post({ kind: 'progress', progress }));
    post({ kind: 'result', value }, transfer);
  } catch (e) {
    post({ kind: 'error', message: (e as Error).message, input: e instanceof InputError });
  }
}
