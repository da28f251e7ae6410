import type { WindowOptions } from '../core/detector-options.ts';
import type { AssetSeries } from '../core/series.ts';
import { globalValue, instantiate, type KernelMemory, reserve } from './wasm-module.ts';

const UTF8 = new TextEncoder();

interface KernelExports extends KernelMemory {
  readonly LAYOUT_AT: WebAssembly.Global;
  readonly ENTRY_BYTES: WebAssembly.Global;
  readonly FLAG_BYTES: WebAssembly.Global;
  windowEntries(
    times: number,
    n: number,
    values: number,
    metrics: number,
    timeframes: number,
    timeframeCount: number,
    asOf: number,
    minSamples: number,
    deviationLimit: number,
    minRelativeIqr: number,
    asset: number,
    assetLength: number,
    names: number,
    texts: number,
    scratch: number,
    stats: number,
    dst: number,
  ): number;
}

/** One series' report entries, as {@link WindowKernel.entries} printed them. */
export interface WindowEntries {
  /** The entries, separated by commas: views of the kernel's memory, valid until the next call. */
  readonly bytes: Uint8Array;
  /**
   * Per result (timeframe by timeframe, metric by metric): the window's finite values, 1 when it
   * has fences (else 0), and its flags — three numbers each.
   */
  readonly stats: Int32Array;
}

/**
 * Window mode for the `--format json` report computed and printed by a
 * WebAssembly kernel (`assembly/window.ts`, built into `dist/wasm/` at
 * install): for each series, every timeframe's window `[asOf - T, asOf)`,
 * R-7 quartiles of its finite values by selection, Tukey fences and flags —
 * the same double operations in the same order as `detectWindow` — and each
 * result's entry exactly as `JSON.stringify(windowResultJson(r))` writes it
 * (numbers by Ryu's shortest decimal). Tested entry for entry against that
 * (test/wasm/window-kernel.test.ts).
 *
 * Complexity: per series of n points and m metrics, O(n m) per timeframe
 * (selection); memory ~8 (m + 2) n bytes besides the printed entries.
 *
 * @example
 * const kernel = WindowKernel.create();
 * const printed = kernel?.entries(series, set.metrics, options);
 * if (printed) out.push(printed.bytes.slice());
 */
export class WindowKernel {
  readonly #exports: KernelExports;
  /** What every series of a run shares, written once: the metrics' texts and the timeframes. */
  #run: RunLayout | null = null;

  private constructor(exports: KernelExports) {
    this.#exports = exports;
  }

  /**
   * A kernel (its own instance and memory, for one thread), or null when the module was not built.
   *
   * @example
   * const kernel = WindowKernel.create(); // null: detectWindow and JSON.stringify instead
   */
  static create(): WindowKernel | null {
    const exports = instantiate<KernelExports>('window');
    return exports && new WindowKernel(exports);
  }

  /**
   * The report entries of `series` for window mode with `options`, in `detectWindow`'s order of
   * results (timeframe, then metric), or null when a flagged point's time is outside the years 0
   * to 9999 (for the caller to report the series in JavaScript).
   *
   * @param metrics - the set's metrics, in the order of `series.values`
   */
  entries(series: AssetSeries, metrics: readonly string[], options: WindowOptions): WindowEntries | null {
    const e = this.#exports;
    const run = this.#runLayout(metrics, options.timeframes);
    const asset = UTF8.encode(JSON.stringify(series.asset));
    const n = series.times.length;
    const m = metrics.length;
    const results = options.timeframes.length * m;
    // After the run's part: doubles, then 32-bit integers, then bytes, every array aligned to its element.
    const times = run.end;
    const values = times + 8 * n;
    const scratch = values + 8 * n * m;
    const stats = scratch + 8 * n;
    const assetAt = stats + 12 * results;
    const dst = assetAt + asset.length;
    const perResult =
      globalValue(e.ENTRY_BYTES) + asset.length + run.longestName + n * globalValue(e.FLAG_BYTES);
    reserve(e.memory, dst + results * perResult);
    const buffer = e.memory.buffer;
    new Float64Array(buffer, times, n).set(series.times);
    for (let k = 0; k < m; k++) new Float64Array(buffer, values + 8 * n * k, n).set(series.values[k]!);
    const bytes = new Uint8Array(buffer);
    bytes.set(asset, assetAt);
    const length = e.windowEntries(
      times,
      n,
      values,
      m,
      run.timeframes,
      options.timeframes.length,
      options.asOf,
      options.minSamples,
      options.deviationLimit,
      options.minRelativeIqr ?? 0,
      assetAt,
      asset.length,
      run.names,
      run.texts,
      scratch,
      stats,
      dst,
    );
    if (length < 0) return null;
    return { bytes: bytes.subarray(dst, dst + length), stats: new Int32Array(buffer, stats, 3 * results) };
  }

  /** The run's part of the memory, written when the metrics or the timeframes change. */
  #runLayout(metrics: readonly string[], timeframes: readonly number[]): RunLayout {
    const run = this.#run;
    if (run !== null && run.metrics === metrics && run.timeframeList === timeframes) return run;
    const e = this.#exports;
    const texts = metrics.map((name) => UTF8.encode(JSON.stringify(name)));
    const timeframesAt = globalValue(e.LAYOUT_AT);
    const names = timeframesAt + 8 * timeframes.length;
    const textsAt = names + 8 * metrics.length;
    const textBytes = texts.reduce((sum, t) => sum + t.length, 0);
    // The series' doubles follow: the end is aligned to 8 bytes.
    const end = textsAt + textBytes + (-(textsAt + textBytes) & 7);
    reserve(e.memory, end);
    const buffer = e.memory.buffer;
    new Float64Array(buffer, timeframesAt, timeframes.length).set(timeframes);
    const table = new Int32Array(buffer, names, 2 * metrics.length);
    const bytes = new Uint8Array(buffer);
    let at = textsAt;
    texts.forEach((t, k) => {
      bytes.set(t, at);
      table[2 * k] = at - textsAt;
      table[2 * k + 1] = t.length;
      at += t.length;
    });
    const longestName = texts.reduce((most, t) => Math.max(most, t.length), 0);
    this.#run = {
      metrics,
      timeframeList: timeframes,
      timeframes: timeframesAt,
      names,
      texts: textsAt,
      longestName,
      end,
    };
    return this.#run;
  }
}

/** Where the part of the kernel's memory every series of a run shares lies. */
interface RunLayout {
  readonly metrics: readonly string[];
  readonly timeframeList: readonly number[];
  /** Addresses: the timeframes (f64), the metrics' name table (i32 offset and length) and texts. */
  readonly timeframes: number;
  readonly names: number;
  readonly texts: number;
  readonly longestName: number;
  /** The first address after it, aligned to 8 bytes. */
  readonly end: number;
}
