/** Most values a shape holds; a line with more keys is always scanned key by key. */
export const MAX_SHAPE_VALUES = 64;

/**
 * The bytes around the values of one NDJSON line — braces, keys, colons,
 * commas and white space — kept so that the next lines, which an export
 * writes with the same keys in the same order and the same spacing, can be
 * checked by comparing those bytes eight at a time instead of reading every
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
  /** Each run's first entry in `#chunks`. */
  readonly #chunkAt: Int32Array;
  /**
   * The 8-byte chunks of the runs of 8 bytes or more, as little-endian doubles: the whole chunks,
   * then for a run whose length is not a multiple of 8 the chunk of its last 8 bytes (overlapping
   * the one before). Compared with `!==`, which tells bit patterns apart except ±0 (seven NUL
   * bytes, never in a literal run) and NaN (two bytes of 0xf0 or more: a shape with one is not kept).
   */
  readonly #chunks: Float64Array;
  /** Per run of fewer than 8 bytes: its first and last 4 bytes, or for fewer than 4 its bytes, low first. */
  readonly #shortWords: Int32Array;

  private constructor(
    values: number,
    lengths: Int32Array,
    chunkAt: Int32Array,
    chunks: Float64Array,
    shortWords: Int32Array,
  ) {
    this.values = values;
    this.#lengths = lengths;
    this.#chunkAt = chunkAt;
    this.#chunks = chunks;
    this.#shortWords = shortWords;
  }

  /**
   * The shape of the validated line `[start, end)` (`end` at its newline) whose
   * value `k` spans `[valueStarts[k], valueEnds[k])`.
   *
   * @returns the shape, or `null` for more than {@link MAX_SHAPE_VALUES} values (or a literal
   *   run whose bytes read as a NaN, which no line would match)
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
    const runs = values + 1;
    const starts = new Int32Array(runs);
    const lengths = new Int32Array(runs);
    const chunkAt = new Int32Array(runs + 1);
    let from = start;
    for (let k = 0; k < runs; k++) {
      starts[k] = from;
      lengths[k] = (k < values ? valueStarts[k]! : end) - from;
      from = k < values ? valueEnds[k]! : end;
      chunkAt[k + 1] = chunkAt[k]! + chunksOf(lengths[k]!);
    }
    const chunks = new Float64Array(chunkAt[runs]!);
    const shortWords = new Int32Array(2 * runs);
    for (let k = 0; k < runs; k++) {
      const length = lengths[k]!;
      const at = starts[k]!;
      if (length >= 8) {
        let c = chunkAt[k]!;
        for (let i = 0; i + 8 <= length; i += 8) chunks[c++] = view.getFloat64(at + i, true);
        if ((length & 7) !== 0) chunks[c] = view.getFloat64(at + length - 8, true);
      } else if (length >= 4) {
        shortWords[2 * k] = view.getInt32(at, true);
        shortWords[2 * k + 1] = view.getInt32(at + length - 4, true);
      } else {
        for (let i = 0; i < length; i++) shortWords[2 * k]! |= b[at + i]! << (8 * i);
      }
    }
    if (chunks.some(Number.isNaN)) return null;
    return new LineShape(values, lengths, chunkAt, chunks, shortWords);
  }

  /**
   * The bytes `[start, end)` as a shape of no values, one literal run: a fixed text (a line's time,
   * which the next lines often repeat) to recognise eight bytes at a time with {@link literal}.
   *
   * @returns the shape, or `null` when the bytes read as a NaN (never for ASCII text)
   *
   * @example
   * LineShape.text(view, bytes, 10, 30)?.literal(view, other, 10, limit, 0); // 30 when equal, else -1
   */
  static text(view: DataView, b: Uint8Array, start: number, end: number): LineShape | null {
    return LineShape.learn(view, b, start, NO_VALUES, NO_VALUES, 0, end);
  }

  /**
   * The bytes of literal run `k`, for readers that compare them otherwise (the WebAssembly field
   * scanner): put back together from the chunks and words {@link literal} compares, so that a
   * shape keeps no copy of them (the scanner learns one per new time text).
   *
   * Complexity: O(run length); allocates the result.
   *
   * @example
   * // line: {"a": 1, "b": "x"}
   * shape.run(1); // the bytes of `, "b": `
   */
  run(k: number): Uint8Array {
    const length = this.#lengths[k]!;
    const bytes = new Uint8Array(Math.max(length, 8));
    const view = new DataView(bytes.buffer);
    if (length >= 8) {
      let c = this.#chunkAt[k]!;
      let i = 0;
      for (; i + 8 <= length; i += 8) view.setFloat64(i, this.#chunks[c++]!, true);
      if (i < length) view.setFloat64(length - 8, this.#chunks[c]!, true);
    } else if (length >= 4) {
      view.setInt32(length - 4, this.#shortWords[2 * k + 1]!, true);
      view.setInt32(0, this.#shortWords[2 * k]!, true);
    } else view.setInt32(0, this.#shortWords[2 * k]!, true);
    return bytes.subarray(0, length);
  }

  /**
   * Matches literal run `k` at `p`: the position after it, or -1 when the
   * bytes differ or the run would reach `limit` (the line's newline).
   *
   * Complexity: O(run length / 8).
   */
  literal(view: DataView, b: Uint8Array, p: number, limit: number, k: number): number {
    const length = this.#lengths[k]!;
    const end = p + length;
    if (end > limit) return -1;
    if (length >= 8) {
      const chunks = this.#chunks;
      let c = this.#chunkAt[k]!;
      let q = p;
      for (; q + 8 <= end; q += 8) if (view.getFloat64(q, true) !== chunks[c++]) return -1;
      return q === end || view.getFloat64(end - 8, true) === chunks[c] ? end : -1;
    }
    const words = this.#shortWords;
    if (length >= 4) {
      return view.getInt32(p, true) === words[2 * k] && view.getInt32(end - 4, true) === words[2 * k + 1]
        ? end
        : -1;
    }
    // Fewer than 4 bytes, compared one by one: a word read here could reach past the buffer.
    const word = words[2 * k]!;
    for (let i = 0; i < length; i++) if (b[p + i] !== ((word >>> (8 * i)) & 0xff)) return -1;
    return end;
  }
}

const NO_VALUES = new Int32Array(0);

/** The chunks {@link LineShape} keeps of a run of `length` bytes. */
function chunksOf(length: number): number {
  return length < 8 ? 0 : (length >> 3) + ((length & 7) === 0 ? 0 : 1);
}
