/**
 * The minimum and maximum of some numbers, ignoring NaN (d3-array's `extent`).
 *
 * A loop rather than `Math.min(...values)`: spreading an array passes every
 * element as an argument, and V8 runs out of stack somewhere above 100,000 —
 * a long hourly series, or every flag of a large run.
 *
 * @param values - any numbers; not modified; NaN is skipped, ±Infinity counts
 * @returns `[min, max]`, or `[NaN, NaN]` when there is no number
 *
 * Complexity: O(n), O(1) extra memory.
 *
 * @example
 * extent([3, Number.NaN, -1, 7]); // [-1, 7]
 */
export function extent(values: Iterable<number>): [number, number] {
  let min = Number.NaN;
  let max = Number.NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (!(v >= min)) min = v;
    if (!(v <= max)) max = v;
  }
  return [min, max];
}
