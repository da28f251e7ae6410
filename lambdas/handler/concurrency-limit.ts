/**
 * Runs async tasks with at most `limit` of them at once, in arrival order.
 *
 * Powertools' `BatchProcessor` starts every record of a batch together; the
 * handler wraps each record in one of these so that a batch's peak memory is
 * at most `limit` records' (SPEC section 8).
 *
 * @param limit - tasks at once, at least 1
 * @returns a function that runs a task when a slot is free
 *
 * Complexity: O(1) per task.
 *
 * @example
 * const limited = concurrencyLimit(2);
 * await Promise.all(records.map((r) => limited(() => handle(r))));
 */
export function concurrencyLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
