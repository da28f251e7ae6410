import { setImmediate } from 'node:timers/promises';

/** How {@link runBlocksInOrder} runs and consumes blocks. */
export interface OrderedBlocks<T> {
  /** Blocks to run, numbered from 0. */
  readonly count: number;
  /** Runs block `i` on this thread. */
  readonly here: (i: number) => T;
  /** Runs block `i` on pool thread `thread`; absent, or with no `threads`, everything runs here. */
  readonly there?: (i: number, thread: number) => Promise<T>;
  /** Pool threads to use besides this one. @default 0 */
  readonly threads?: number;
  /**
   * Blocks each pool thread holds at once: with 2, its next block is already there when it
   * finishes one, however long this thread is busy. @default 2
   */
  readonly depth?: number;
  /** Receives each block's value in block order, one at a time. */
  readonly consume: (value: T, i: number) => Promise<void>;
}

/**
 * Runs numbered blocks on this thread and on pool threads at once and hands
 * their values to `consume` strictly in block order: an ordered parallel map
 * for output that must read as one pass wrote it.
 *
 * Pool threads take the next block whenever they are free; this thread
 * consumes the next value as soon as it is there and otherwise runs the next
 * block itself, so no thread waits while work is left. A bounded number of
 * values (`threads × (depth + 1) + 2`) wait to be consumed, which bounds
 * memory when `consume` is slow (a full pipe).
 *
 * @throws the first error of any block; the blocks still running are left to
 *   the pool's owner, who closes it
 *
 * Complexity: O(count) scheduling steps besides the blocks themselves.
 *
 * @example
 * await runBlocksInOrder({ count: blocks.length, here: (i) => run(blocks[i]), consume: async (v) => write(v) });
 */
export async function runBlocksInOrder<T>(blocks: OrderedBlocks<T>): Promise<void> {
  const { count, here, there, consume } = blocks;
  const threads = there === undefined ? 0 : (blocks.threads ?? 0);
  const lanes = threads * (blocks.depth ?? 2);
  const maxWaiting = lanes + threads + 2;
  const done = new Map<number, T>();
  let next = 0;
  let consumed = 0;
  let failure: { readonly error: unknown } | undefined;
  let waiters: (() => void)[] = [];
  const changed = () => new Promise<void>((resolve) => waiters.push(resolve));
  const notify = () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  const helper = async (thread: number) => {
    while (failure === undefined && next < count) {
      if (next - consumed >= maxWaiting) {
        await changed();
        continue;
      }
      const i = next++;
      try {
        done.set(i, await there!(i, thread));
      } catch (error) {
        failure ??= { error };
      }
      notify();
    }
  };
  const helpers = Array.from({ length: lanes }, (_, lane) => helper(lane % threads));
  while (consumed < count) {
    if (failure !== undefined) throw failure.error;
    if (done.has(consumed)) {
      const value = done.get(consumed)!;
      done.delete(consumed);
      await consume(value, consumed);
      consumed++;
      notify();
    } else if (next < count && next - consumed < maxWaiting) {
      // A block here holds this thread for a while: first let the pool threads' finished work in
      // (their messages are tasks of this event loop), so that none of them waits for its next block.
      if (threads > 0) {
        await setImmediate();
        if (done.has(consumed) || next >= count) continue;
      }
      const i = next++;
      done.set(i, here(i));
    } else {
      await changed();
    }
  }
  await Promise.all(helpers);
}
