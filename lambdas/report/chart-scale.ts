/**
 * Whether positive values span more than `decades` powers of ten, the point
 * at which a linear axis hides everything but the largest values.
 *
 * @param values - finite values; non-positive ones are ignored
 * @returns `true` when `max / min > 10^decades`
 *
 * @example
 * spansDecades([80, 0.0001]); // true
 */
export function spansDecades(values: Iterable<number>, decades = 2): boolean {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const v of values) {
    if (v > 0) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return max > 0 && max / min > 10 ** decades;
}
