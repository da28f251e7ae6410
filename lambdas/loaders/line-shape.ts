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
  /** Each run's first word in `#words` (and, at `values + 1`, their number). */
  readonly #wordAt: Int32Array;
  /**
   * The runs' bytes as little-endian 32-bit words: their whole words, then for a run whose
   * length is not a multiple of 4 the word of its last 4 bytes (overlapping the one before), or
   * for a run shorter than 4 bytes its bytes alone, in the low bytes of a word.
   */
  readonly #words: Int32Array;

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
    this.#wordAt = new Int32Array(runs + 1);
    for (let k = 0; k < runs; k++) this.#wordAt[k + 1] = this.#wordAt[k]! + wordsOf(lengths[k]!);
    this.#words = new Int32Array(this.#wordAt[runs]!);
    for (let k = 0; k < runs; k++) {
      const length = lengths[k]!;
      const start = starts[k]!;
      let w = this.#wordAt[k]!;
      for (let i = 0; i + 4 <= length; i += 4) this.#words[w++] = view.getInt32(start + i, true);
      // The last 1-3 bytes: in the word that ends the run, or for a short run its own bytes alone.
      if (length >= 4 && (length & 3) !== 0) this.#words[w] = view.getInt32(start + length - 4, true);
      else if (length < 4) for (let i = 0; i < length; i++) this.#words[w]! |= b[start + i]! << (8 * i);
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
    const length = this.#lengths[k]!;
    const end = p + length;
    if (end > limit) return -1;
    const words = this.#words;
    let w = this.#wordAt[k]!;
    let q = p;
    for (; q + 4 <= end; q += 4) if (view.getInt32(q, true) !== words[w++]) return -1;
    if (q === end) return end;
    if (length >= 4) return view.getInt32(end - 4, true) === words[w] ? end : -1;
    // A run of 1-3 bytes, compared byte by byte: a word read here could reach past the buffer.
    const word = words[w]!;
    for (let i = 0; i < length; i++) if (b[p + i] !== ((word >>> (8 * i)) & 0xff)) return -1;
    return end;
  }
}

/** The words {@link LineShape} keeps of a run of `length` bytes. */
function wordsOf(length: number): number {
  return (length >> 2) + ((length & 3) === 0 ? 0 : 1);
}
