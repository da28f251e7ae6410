import { Closed, type RollingOptions } from '../core/detector-options.ts';
import type { RollingEngine, RollingPoints, RollingResult } from '../core/rolling-detector.ts';
import type { AssetSeries } from '../core/series.ts';
import { globalValue, wasmModule } from './wasm-module.ts';

const PAGE_BYTES = 65_536;
/** Past this much memory for one series the kernel declines, and the JavaScript detector judges it. */
const MAX_MEMORY_BYTES = 512 * 1024 * 1024;
const RADIX_COUNTS_BYTES = 8 * 256 * 4;
/** Flag lines whose head (asset, metric, timeframe) is longer are printed in JavaScript. */
const MAX_HEAD_BYTES = 256;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
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
  judge(
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
    out: number,
    direction: number,
  ): void;
  flagLines(
    times: number,
    values: number,
    n: number,
    out: number,
    direction: number,
    head: number,
    headLength: number,
    dst: number,
  ): number;
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
  /** Per metric of the current series: its number of finite values once ranked, else -1. */
  #ranked: number[] = [];
  /** The metric of the last {@link judge}, whose arrays the kernel's memory holds. */
  #judged = -1;

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
    const module = wasmModule('rolling');
    if (module === null) return null;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new RollingKernel(instance.exports as unknown as KernelExports);
  }

  judge(
    series: AssetSeries,
    metricIndex: number,
    span: number,
    options: RollingOptions,
  ): RollingPoints | null {
    const layout = this.#load(series);
    if (layout === null) return null;
    const e = this.#exports;
    const values = layout.values + 8 * layout.n * metricIndex;
    const rankOf = layout.rankOf + 4 * layout.n * metricIndex;
    const sorted = layout.sorted + 8 * layout.n * metricIndex;
    if (this.#ranked[metricIndex] === undefined || this.#ranked[metricIndex] < 0) {
      new Float64Array(e.memory.buffer, values, layout.n).set(series.values[metricIndex]!);
      this.#ranked[metricIndex] = e.rank(
        values,
        layout.n,
        rankOf,
        sorted,
        layout.keys,
        layout.positions,
        layout.order,
        layout.spare,
        layout.counts,
      );
    }
    this.#judged = metricIndex;
    e.judge(
      layout.times,
      values,
      layout.n,
      rankOf,
      sorted,
      layout.bitset,
      span,
      options.closed === Closed.Left ? 1 : 0,
      Math.max(options.minSamples, 1),
      options.judgeFrom ?? Number.NEGATIVE_INFINITY,
      options.deviationLimit,
      options.minRelativeIqr ?? 0,
      layout.out,
      layout.direction,
    );
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
   * The `--format ndjson` lines of the flags of `r`, the result of the last {@link judge} (its arrays
   * this kernel's views), each starting with `head`: the bytes `FlagLineWriter` prints, written by
   * the kernel (numbers by Ryu's shortest decimal, as `JSON.stringify` writes them). Null for any
   * other result, a head longer than 256 bytes or a time `Date#toISOString` would not write with a
   * four-digit year, for the caller to print it in JavaScript.
   *
   * @returns a view of the kernel's memory, valid until the next call
   *
   * @example
   * text.bytes(kernel.flagLines(r, flagLineHead(r)) ?? writer.rolling(r, seriesIsoTimes(r.series)));
   */
  flagLines(r: RollingResult, head: Uint8Array): Uint8Array | null {
    const layout = this.#layout;
    const e = this.#exports;
    if (
      layout === null ||
      r.series !== this.#series ||
      r.metricIndex !== this.#judged ||
      r.direction.buffer !== e.memory.buffer ||
      r.direction.byteOffset !== layout.direction ||
      head.length > MAX_HEAD_BYTES
    ) {
      return null;
    }
    const n = layout.n;
    const bytes = new Uint8Array(e.memory.buffer);
    bytes.set(head, layout.lines);
    const dst = layout.lines + MAX_HEAD_BYTES;
    const length = e.flagLines(
      layout.times,
      layout.values + 8 * n * r.metricIndex,
      n,
      layout.out,
      layout.direction,
      layout.lines,
      head.length,
      dst,
    );
    return length < 0 ? null : bytes.subarray(dst, dst + length);
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
    const memory = e.memory;
    const pages = Math.ceil(layout.end / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) memory.grow(pages);
    new Float64Array(memory.buffer, layout.times, n).set(series.times);
    this.#series = series;
    this.#layout = layout;
    this.#ranked = [];
    return layout;
  }
}
