import { Closed, type RollingOptions } from '../core/detector-options.ts';
import type { RollingEngine, RollingPoints } from '../core/rolling-detector.ts';
import type { AssetSeries } from '../core/series.ts';
import { globalValue, instantiate, type KernelMemory, reserve } from './wasm-module.ts';

/** Past this much memory for one series the kernel declines, and the JavaScript detector judges it. */
const MAX_MEMORY_BYTES = 512 * 1024 * 1024;
const RADIX_COUNTS_BYTES = 8 * 256 * 4;
/** Flag lines whose head (asset, metric, timeframe) is longer are printed in JavaScript. */
const MAX_HEAD_BYTES = 256;

interface KernelExports extends KernelMemory {
  readonly LAYOUT_AT: WebAssembly.Global;
  readonly LINE_TAIL_BYTES: WebAssembly.Global;
  rank(
    values: number,
    n: number,
    rankOf: number,
    sorted: number,
    keys: number,
    positions: number,
    order: number,
    spare: number,
    counts: number,
  ): number;
  begin(
    times: number,
    values: number,
    n: number,
    rankOf: number,
    sorted: number,
    bitset: number,
    span: number,
    closedLeft: number,
    minPeriods: number,
    judgeFrom: number,
    deviationLimit: number,
    minRelativeIqr: number,
  ): void;
  judge(out: number, direction: number): void;
  judgeLines(head: number, headLength: number, dst: number): number;
  readonly unjudged: WebAssembly.Global;
  readonly flagged: WebAssembly.Global;
}

/** Where a series' arrays lie in the kernel's memory (bytes), for a series of n points and m metrics. */
class Layout {
  readonly times: number;
  readonly values: number;
  readonly rankOf: number;
  readonly sorted: number;
  readonly keys: number;
  readonly positions: number;
  readonly order: number;
  readonly spare: number;
  readonly counts: number;
  readonly bitset: number;
  readonly out: number;
  readonly direction: number;
  /** Room for a result's flag lines, heads of up to MAX_HEAD_BYTES. */
  readonly lines: number;
  readonly end: number;

  constructor(
    readonly n: number,
    m: number,
    base: number,
    lineTail: number,
  ) {
    const doubles = 8 * n;
    const ints = 4 * n;
    // Doubles first, then 32-bit integers, then bytes: every array aligned to its element.
    this.times = base;
    this.values = this.times + doubles;
    this.sorted = this.values + m * doubles;
    this.keys = this.sorted + m * doubles;
    this.out = this.keys + doubles;
    this.rankOf = this.out + 6 * doubles;
    this.positions = this.rankOf + m * ints;
    this.order = this.positions + ints;
    this.spare = this.order + ints;
    this.counts = this.spare + ints;
    this.bitset = this.counts + RADIX_COUNTS_BYTES;
    this.direction = this.bitset + 4 * ((n >> 5) + 1);
    this.lines = this.direction + n;
    this.end = this.lines + MAX_HEAD_BYTES + n * (MAX_HEAD_BYTES + lineTail);
  }
}

/**
 * Rolling mode's per-point fences computed by a WebAssembly kernel
 * (`assembly/rolling.ts`, built into `dist/wasm/` at install): for
 * `detectRolling`, which hands it each series, metric and timeframe. Its
 * numbers are the JavaScript detector's bit for bit — the same double
 * operations in the same order, the window a bitset over the values' ranks
 * with fingers on its quartiles — at a fraction of the time, and with no
 * warming up of the JIT on each thread (test/wasm/rolling-kernel.test.ts).
 *
 * A series is copied into the kernel's memory once, each metric ranked once
 * for all timeframes. The arrays of a result are views of that memory, valid
 * until the next call.
 *
 * Complexity: per series of n points, O(n) ranking per metric (radix sort)
 * and O(n) per timeframe and metric when its windows are dense among the
 * points (a finger step crosses one word of the bitset); memory ~(70 + 20 m)
 * bytes a point for m metrics. A series needing more than 512 MB is declined.
 *
 * @example
 * const engine = RollingKernel.create();
 * for (const r of detectRolling(set, options, { reuse: true, engine: engine ?? undefined })) print(r);
 */
export class RollingKernel implements RollingEngine {
  readonly #exports: KernelExports;
  #layout: Layout | null = null;
  #series: AssetSeries | null = null;
  /** Per metric of the current series: whether it was copied in and ranked. */
  #ranked: boolean[] = [];

  private constructor(exports: KernelExports) {
    this.#exports = exports;
  }

  /**
   * A kernel (its own instance and memory, for one thread), or null when the module was not built.
   *
   * @example
   * const engine = RollingKernel.create() ?? undefined; // detectRolling's own loop without it
   */
  static create(): RollingKernel | null {
    const exports = instantiate<KernelExports>('rolling');
    return exports && new RollingKernel(exports);
  }

  /**
   * The fences of one series' metric over windows of `span` ms (see {@link RollingEngine.judge}):
   * views of the kernel's memory, valid until the next call. Null for a series needing more than
   * 512 MB.
   *
   * @example
   * const points = kernel.judge(set.series[0]!, 0, 7 * DAY_MS, options);
   */
  judge(
    series: AssetSeries,
    metricIndex: number,
    span: number,
    options: RollingOptions,
  ): RollingPoints | null {
    const layout = this.#load(series);
    if (layout === null) return null;
    const e = this.#exports;
    this.#begin(layout, series, metricIndex, span, options);
    e.judge(layout.out, layout.direction);
    const buffer = e.memory.buffer;
    const n = layout.n;
    const at = (k: number) => new Float64Array(buffer, layout.out + 8 * n * k, n);
    return {
      q1: at(0),
      q3: at(1),
      iqr: at(2),
      lower: at(3),
      upper: at(4),
      score: at(5),
      direction: new Int8Array(buffer, layout.direction, n),
    };
  }

  /**
   * Judges one series' metric over windows of `span` ms as {@link judge} does and prints its flags'
   * `--format ndjson` lines, each starting with `head` (`flagLineHead` of the result): the bytes
   * `FlagLineWriter` prints, written by the kernel as it judges (numbers by Ryu's shortest decimal,
   * as `JSON.stringify` writes them), with no per-point arrays. Null for a series the kernel
   * declines, a head longer than 256 bytes or a flagged time outside the years 0 to 9999 (which no
   * time riskfence reads is), for the caller to judge and print the result in JavaScript.
   *
   * @returns the lines (a view of the kernel's memory, valid until the next call), and how many
   *   points were flagged and left unjudged (too few values in their window, or before `judgeFrom`)
   *
   * @example
   * const head = flagLineHead({ asset: series.asset, metric: 'volume', timeframe: 7 });
   * const printed = kernel.flagLines(series, m, 7 * DAY_MS, options, head);
   */
  flagLines(
    series: AssetSeries,
    metricIndex: number,
    span: number,
    options: RollingOptions,
    head: Uint8Array,
  ): { readonly bytes: Uint8Array; readonly flagged: number; readonly unjudged: number } | null {
    const layout = this.#load(series);
    if (layout === null || head.length > MAX_HEAD_BYTES) return null;
    const e = this.#exports;
    const bytes = new Uint8Array(e.memory.buffer);
    bytes.set(head, layout.lines);
    const dst = layout.lines + MAX_HEAD_BYTES;
    this.#begin(layout, series, metricIndex, span, options);
    const length = e.judgeLines(layout.lines, head.length, dst);
    if (length < 0) return null;
    return {
      bytes: bytes.subarray(dst, dst + length),
      flagged: e.flagged.value as number,
      unjudged: e.unjudged.value as number,
    };
  }

  /** Starts the kernel's sweep; the metric copied in and ranked on its first sweep. */
  #begin(
    layout: Layout,
    series: AssetSeries,
    metricIndex: number,
    span: number,
    options: RollingOptions,
  ): void {
    const e = this.#exports;
    const n = layout.n;
    const values = layout.values + 8 * n * metricIndex;
    const rankOf = layout.rankOf + 4 * n * metricIndex;
    const sorted = layout.sorted + 8 * n * metricIndex;
    if (!this.#ranked[metricIndex]) {
      new Float64Array(e.memory.buffer, values, n).set(series.values[metricIndex]!);
      e.rank(
        values,
        n,
        rankOf,
        sorted,
        layout.keys,
        layout.positions,
        layout.order,
        layout.spare,
        layout.counts,
      );
      this.#ranked[metricIndex] = true;
    }
    e.begin(
      layout.times,
      values,
      n,
      rankOf,
      sorted,
      layout.bitset,
      span,
      options.closed === Closed.Left ? 1 : 0,
      Math.max(options.minSamples, 1),
      options.judgeFrom ?? Number.NEGATIVE_INFINITY,
      options.deviationLimit,
      options.minRelativeIqr ?? 0,
    );
  }

  /** The layout of `series`, copied in (times now, each metric's values when first judged). */
  #load(series: AssetSeries): Layout | null {
    if (series === this.#series) return this.#layout;
    const n = series.times.length;
    const e = this.#exports;
    const layout = new Layout(
      n,
      series.values.length,
      globalValue(e.LAYOUT_AT),
      globalValue(e.LINE_TAIL_BYTES),
    );
    if (layout.end > MAX_MEMORY_BYTES) return null;
    reserve(e.memory, layout.end);
    new Float64Array(e.memory.buffer, layout.times, n).set(series.times);
    this.#series = series;
    this.#layout = layout;
    this.#ranked = [];
    return layout;
  }
}
