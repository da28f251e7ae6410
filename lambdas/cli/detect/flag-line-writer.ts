import { isoText } from '../../core/detect-json.ts';
import { DirectionCode } from '../../core/fences.ts';
import { ISO_CHARS, NUMBER_CHARS, PrintedNumbers, put, putAscii, utf8 } from '../../core/json-bytes.ts';
import type { RollingResult } from '../../core/rolling-detector.ts';
import type { WindowResult } from '../../core/window-detector.ts';

const VALUE = utf8('","value":');
const HIGH = utf8(',"direction":"high","score":');
const LOW = utf8(',"direction":"low","score":');
const LOWER = utf8(',"lower":');
const UPPER = utf8(',"upper":');
const END = utf8('}\n');
// A line's bytes after its head, at most (`high` is the longer direction).
const TAIL_BYTES =
  ISO_CHARS + VALUE.length + HIGH.length + LOWER.length + UPPER.length + 4 * NUMBER_CHARS + END.length;
const NO_LINES = new Uint8Array(0);

/**
 * Prints the `--format ndjson` lines of a result's flags straight to UTF-8: each line is
 * `JSON.stringify({ asset, metric, timeframe, timestamp, value, direction, score, lower, upper })`
 * and a newline, byte for byte — where the flag belongs, when, the value, the verdict and the
 * fences it was judged against. A result's numbers are formatted by one `JSON.stringify` of an
 * array (NaN, ±Infinity and a `null` score print as `null`, -0 as `0`, as for the object), which
 * with no object or string per line takes about two thirds of the time.
 *
 * @example
 * const lines = new FlagLineWriter();
 * out.push(lines.window(result).slice()); // the result's flag lines
 */
export class FlagLineWriter {
  #buffer = new Uint8Array(1 << 16);
  #high = new Uint8Array(256);
  readonly #numbers = new PrintedNumbers();
  readonly #list: number[] = [];
  readonly #times: string[] = [];

  /**
   * The lines of a window-mode result's flags (none without fences), in time order.
   *
   * @param r - from `detectWindow`; not modified
   * @returns a view of the writer's buffer, valid until the next call; empty without flags
   *
   * Complexity: O(flags).
   *
   * @example
   * new TextDecoder().decode(new FlagLineWriter().window(r)).split('\n').length - 1 === r.flags.length; // true
   */
  window(r: WindowResult): Uint8Array {
    if (!r.fences || r.flags.length === 0) return NO_LINES;
    const { lower, upper } = r.fences;
    const high = this.#reset(r.flags.length);
    r.flags.forEach((f, j) => {
      this.#list.push(f.value, f.score ?? Number.NaN, lower, upper);
      this.#times.push(isoText(f.time));
      high[j] = f.direction === 'high' ? 1 : 0;
    });
    return this.#lines(r);
  }

  /**
   * The lines of a rolling-mode result's flagged points, in time order.
   *
   * @param r - from `detectRolling`; not modified
   * @param times - the ISO text of each point's time (`seriesIsoTimes(r.series)`)
   * @returns a view of the writer's buffer, valid until the next call; empty without flags
   *
   * Complexity: O(points).
   *
   * @example
   * new FlagLineWriter().rolling(r, seriesIsoTimes(r.series));
   */
  rolling(r: RollingResult, times: readonly string[]): Uint8Array {
    const { direction, score, lower, upper } = r;
    const values = r.series.values[r.metricIndex]!;
    // One pass, room for every point: a first pass to count the flags would be a loop the JIT
    // optimises before the second has run, which then deoptimised on every result.
    const high = this.#reset(direction.length);
    for (let i = 0, j = 0; i < direction.length; i++) {
      const d = direction[i]!;
      if (d === DirectionCode.None) continue;
      this.#list.push(values[i]!, score[i]!, lower[i]!, upper[i]!);
      this.#times.push(times[i]!);
      high[j++] = d === DirectionCode.High ? 1 : 0;
    }
    return this.#times.length === 0 ? NO_LINES : this.#lines(r);
  }

  /** Empties the lists for `count` flags; the direction list. */
  #reset(count: number): Uint8Array {
    this.#list.length = 0;
    this.#times.length = 0;
    if (this.#high.length < count) this.#high = new Uint8Array(2 * count);
    return this.#high;
  }

  /** Prints the listed flags of `r`: four numbers, a time and a direction each. */
  #lines(r: Pick<WindowResult, 'asset' | 'metric' | 'timeframe'>): Uint8Array {
    const numbers = this.#numbers;
    numbers.print(this.#list);
    const times = this.#times;
    const high = this.#high;
    const head = flagLineHead(r);
    const bytes = times.length * (head.length + TAIL_BYTES);
    if (this.#buffer.length < bytes) this.#buffer = new Uint8Array(Math.max(bytes, 2 * this.#buffer.length));
    const b = this.#buffer;
    let p = 0;
    for (let j = 0; j < times.length; j++) {
      // ISO times are ASCII with nothing to escape.
      p = putAscii(b, times[j]!, put(b, head, p));
      p = numbers.next(b, put(b, VALUE, p));
      p = numbers.next(b, put(b, high[j] === 1 ? HIGH : LOW, p));
      p = numbers.next(b, put(b, LOWER, p));
      p = numbers.next(b, put(b, UPPER, p));
      p = put(b, END, p);
    }
    return b.subarray(0, p);
  }
}

/**
 * The bytes every flag line of a result starts with: `{"asset":…,"metric":…,"timeframe":…,"timestamp":"`.
 *
 * @example
 * new TextDecoder().decode(flagLineHead({ asset: 'btc', metric: 'volume', timeframe: 7 }));
 * // '{"asset":"btc","metric":"volume","timeframe":7,"timestamp":"'
 */
export function flagLineHead(r: Pick<WindowResult, 'asset' | 'metric' | 'timeframe'>): Uint8Array {
  return utf8(
    `{"asset":${JSON.stringify(r.asset)},"metric":${JSON.stringify(r.metric)},"timeframe":${JSON.stringify(r.timeframe)},"timestamp":"`,
  );
}
