/** Most values a shape holds; a line with more keys is always scanned key by key. */
export const MAX_SHAPE_VALUES = 64;

/**
 * The bytes around the values of one NDJSON line — braces, keys, colons,
 * commas and white space — kept so that the next lines, which an export
 * writes with the same keys in the same order and the same spacing, can be
 * checked by comparing those bytes four at a time instead of reading every
 * key, colon and comma again.
 *
 * A shape is learnt only from a line the field scanner has fully validated,
 * so a later line whose every literal run matches has the same keys, in the
 * same order, with the same separators; only its values remain to be read
 * and validated. Literal runs never hold a newline (JSON white space between
 * tokens other than the line end is space, tab and carriage return; keys
 * hold no control characters), so a matched run never reaches past the
 * line's end.
 *
 * @example
 * // line: {"a": 1, "b": "x"}   values at [6, 7) and [14, 17)
 * const shape = LineShape.learn(bytes, 0, Int32Array.of(6, 14), Int32Array.of(7, 17), 2, 18);
 * shape.literal(view, bytes2, 0, limit, 0); // position of the first value in bytes2, or -1
 */
export class LineShape {
  /** Literal runs: run `k` precedes value `k`; run `values` follows the last value. */
  readonly values: number;
  readonly #lengths: Int32Array;
  /** Each run's first word in `#words` and first byte in `#tails`. */
  readonly #wordAt: Int32Array;
  readonly #tailAt: Int32Array;
  /** The runs' bytes as little-endian 32-bit words, and the 0–3 bytes that end each run. */
  readonly #words: Int32Array;
  readonly #tails: Uint8Array;

  private constructor(
    values: number,
    lengths: Int32Array,
    view: DataView,
    b: Uint8Array,
    starts: Int32Array,
  ) {
    this.values = values;
    this.#lengths = lengths;
    const runs = values + 1;
    this.#wordAt = new Int32Array(runs);
    this.#tailAt = new Int32Array(runs);
    let words = 0;
    let tails = 0;
    for (let k = 0; k < runs; k++) {
      this.#wordAt[k] = words;
      this.#tailAt[k] = tails;
      words += lengths[k]! >> 2;
      tails += lengths[k]! & 3;
    }
    this.#words = new Int32Array(words);
    this.#tails = new Uint8Array(tails);
    for (let k = 0; k < runs; k++) {
      const start = starts[k]!;
      const whole = lengths[k]! & ~3;
      let w = this.#wordAt[k]!;
      for (let i = 0; i < whole; i += 4) this.#words[w++] = view.getInt32(start + i, true);
      let t = this.#tailAt[k]!;
      for (let i = whole; i < lengths[k]!; i++) this.#tails[t++] = b[start + i]!;
    }
  }

  /**
   * The shape of the validated line `[start, end)` (`end` at its newline) whose
   * value `k` spans `[valueStarts[k], valueEnds[k])`.
   *
   * @returns the shape, or `null` for more than {@link MAX_SHAPE_VALUES} values
   *
   * Complexity: O(line length).
   */
  static learn(
    view: DataView,
    b: Uint8Array,
    start: number,
    valueStarts: Int32Array,
    valueEnds: Int32Array,
    values: number,
    end: number,
  ): LineShape | null {
    if (values > MAX_SHAPE_VALUES) return null;
    const starts = new Int32Array(values + 1);
    const lengths = new Int32Array(values + 1);
    let from = start;
    for (let k = 0; k <= values; k++) {
      const to = k < values ? valueStarts[k]! : end;
      starts[k] = from;
      lengths[k] = to - from;
      from = k < values ? valueEnds[k]! : end;
    }
    return new LineShape(values, lengths, view, b, starts);
  }

  /**
   * Matches literal run `k` at `p`: the position after it, or -1 when the
   * bytes differ or the run would reach `limit` (the line's newline).
   *
   * Complexity: O(run length / 4).
   */
  literal(view: DataView, b: Uint8Array, p: number, limit: number, k: number): number {
    const end = p + this.#lengths[k]!;
    if (end > limit) return -1;
    const words = this.#words;
    let w = this.#wordAt[k]!;
    let q = p;
    for (const whole = end - ((end - p) & 3); q < whole; q += 4) {
      if (view.getInt32(q, true) !== words[w++]) return -1;
    }
    const tails = this.#tails;
    let t = this.#tailAt[k]!;
    for (; q < end; q++) if (b[q] !== tails[t++]) return -1;
    return end;
  }
}
