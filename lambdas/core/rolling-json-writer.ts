import { seriesIsoTimes } from './detect-json.ts';
import { DirectionCode } from './fences.ts';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  copy,
  ISO_CHARS,
  NUMBER_CHARS,
  put,
  putAscii,
  putText,
  utf8,
} from './json-bytes.ts';
import { putJsonNumber } from './json-number.ts';
import type { RollingResult } from './rolling-detector.ts';
import type { AssetSeries } from './series.ts';

const TIMESTAMP = utf8('{"timestamp":"');
const VALUE = utf8('","value":');
const Q1 = utf8(',"q1":');
const Q3 = utf8(',"q3":');
const LOWER = utf8(',"lower":');
const UPPER = utf8(',"upper":');
const UNFLAGGED = utf8(',"direction":null,"score":null}');
const NO_DIRECTION = utf8(',"direction":null,"score":');
const HIGH = utf8(',"direction":"high","score":');
const LOW = utf8(',"direction":"low","score":');
const NULL_END = utf8('null}');

const FENCE_KEYS = [Q1, Q3, LOWER, UPPER];

// A point's bytes after its head, at most: comma, the four fences, direction and score.
const POINT_TAIL_BYTES =
  1 + Q1.length + Q3.length + LOWER.length + UPPER.length + HIGH.length + 5 * NUMBER_CHARS + 1;

/**
 * Prints rolling-mode results as `JSON.stringify(rollingResultJson(r))` does, byte for byte, but
 * straight to UTF-8 and several times as fast, for reports of millions of points. Formatting
 * numbers is what costs, so each number is formatted once at most: a point's head (timestamp and
 * value) once per series and metric for all its timeframes; a fence equal to the previous point's
 * (common: windows slide one point at a time) by copying that point's bytes; the rest by
 * `putJsonNumber`, which prints NaN and ±Infinity as `null` and -0 as `0` exactly as for the object.
 *
 * Keeps the heads of the series it printed last: results of one series should come together, as
 * `detectRolling` gives them, or their heads are printed again.
 *
 * @example
 * const writer = new RollingJsonWriter();
 * for (const r of detectRolling(set, options)) out.push(writer.entry(r).slice()); // entries, unseparated
 */
export class RollingJsonWriter {
  // Heads of the current series' metrics, then the entry being printed: one buffer, so that every
  // copy is a `copyWithin`.
  #buffer = new Uint8Array(1 << 20);
  #series: AssetSeries | undefined;
  /** Per metric: where each point's head starts in the buffer, and where the last ends. */
  #heads: (Int32Array | undefined)[] = [];
  #headsEnd = 0;
  /** `[start, end)` in the buffer of each fence of the point last printed, its key included. */
  readonly #lastFences = new Int32Array(2 * FENCE_KEYS.length);
  /** The fences of the point last printed. */
  readonly #lastValues = new Float64Array(FENCE_KEYS.length);

  /**
   * The UTF-8 bytes of `JSON.stringify(rollingResultJson(r))`.
   *
   * @param r - from `detectRolling`; not modified
   * @returns a view of the writer's buffer, valid until the next call (copy it to keep it)
   *
   * Complexity: O(points), plus O(points) for the heads of a series and metric not printed last.
   *
   * @example
   * new TextDecoder().decode(new RollingJsonWriter().entry(r)) === JSON.stringify(rollingResultJson(r)); // true
   */
  entry(r: RollingResult): Uint8Array {
    const heads = this.#headsOf(r);
    const n = heads.length - 1;
    const fenceValues = [r.q1, r.q3, r.lower, r.upper];
    const { score } = r;
    const header = `{"asset":${JSON.stringify(r.asset)},"metric":${JSON.stringify(r.metric)},"timeframe":${JSON.stringify(r.timeframe)},"closed":${JSON.stringify(r.closed)},"points":[`;
    const start = this.#headsEnd;
    this.#reserve(start + header.length * 3 + n * POINT_TAIL_BYTES + heads[n]! - heads[0]! + 2);
    const b = this.#buffer;
    let p = putText(b, header, start);
    // Where the latest fences are printed, and each fence with its key: repeats copy them. While
    // the fences repeat, so does the whole rest of an unflagged point: one copy.
    let fences = 0;
    let fencesEnd = 0;
    let unflagged = 0;
    let unflaggedEnd = 0;
    const last = this.#lastFences;
    // NaN equals nothing: the first point's fences are always new. -0 === 0, and both print as `0`.
    const lastValues = this.#lastValues.fill(Number.NaN);
    const { direction } = r;
    for (let i = 0; i < n; i++) {
      if (i > 0) b[p++] = COMMA;
      p = copy(b, heads[i]!, heads[i + 1]!, p);
      // Bit `1 << f` when fence `f` (of FENCE_KEYS) differs from the previous point's: printed, not copied.
      let m = 0;
      for (let f = 0; f < FENCE_KEYS.length; f++) {
        const x = fenceValues[f]![i]!;
        if (x !== lastValues[f]) {
          m |= 1 << f;
          lastValues[f] = x;
        }
      }
      const scored = !Number.isNaN(score[i]!);
      const d = direction[i]!;
      if (m === 0 && !scored && d === DirectionCode.None && unflaggedEnd > 0) {
        p = copy(b, unflagged, unflaggedEnd, p);
        continue;
      }
      const from = p;
      if (m === 0) p = copy(b, fences, fencesEnd, p);
      else {
        unflaggedEnd = 0;
        for (let f = 0; f < FENCE_KEYS.length; f++) {
          const prior = last[2 * f]!;
          last[2 * f] = p;
          if (m & (1 << f)) {
            p = putJsonNumber(b, fenceValues[f]![i]!, put(b, FENCE_KEYS[f]!, p));
          } else p = copy(b, prior, last[2 * f + 1]!, p);
          last[2 * f + 1] = p;
        }
        fences = from;
        fencesEnd = p;
      }
      if (scored) {
        p = put(b, d === DirectionCode.High ? HIGH : d === DirectionCode.Low ? LOW : NO_DIRECTION, p);
        p = putJsonNumber(b, score[i]!, p);
        b[p++] = CLOSE_BRACE;
      } else if (d === DirectionCode.High) p = put(b, NULL_END, put(b, HIGH, p));
      else if (d === DirectionCode.Low) p = put(b, NULL_END, put(b, LOW, p));
      else {
        p = put(b, UNFLAGGED, p);
        unflagged = from;
        unflaggedEnd = p;
      }
    }
    b[p++] = CLOSE_BRACKET;
    b[p++] = CLOSE_BRACE;
    return b.subarray(start, p);
  }

  /** Point `i`'s head `{"timestamp":…,"value":…` spans `[heads[i], heads[i + 1])` of the buffer. */
  #headsOf(r: RollingResult): Int32Array {
    if (r.series !== this.#series) {
      this.#series = r.series;
      this.#heads = [];
      this.#headsEnd = 0;
    }
    let heads = this.#heads[r.metricIndex];
    if (heads !== undefined) return heads;
    const times = seriesIsoTimes(r.series);
    const values = r.series.values[r.metricIndex]!;
    heads = new Int32Array(times.length + 1);
    let end = this.#headsEnd;
    this.#reserve(end + times.length * (TIMESTAMP.length + ISO_CHARS + VALUE.length + NUMBER_CHARS));
    const b = this.#buffer;
    heads[0] = end;
    for (let i = 0; i < times.length; i++) {
      end = put(b, TIMESTAMP, end);
      // ISO times are ASCII with nothing to escape.
      end = putJsonNumber(b, values[i]!, put(b, VALUE, putAscii(b, times[i]!, end)));
      heads[i + 1] = end;
    }
    this.#headsEnd = end;
    this.#heads[r.metricIndex] = heads;
    return heads;
  }

  /** Grows the buffer to at least `bytes`, keeping the heads. */
  #reserve(bytes: number): void {
    if (this.#buffer.length >= bytes) return;
    const buffer = new Uint8Array(Math.max(bytes, 2 * this.#buffer.length));
    buffer.set(this.#buffer.subarray(0, this.#headsEnd));
    this.#buffer = buffer;
  }
}
