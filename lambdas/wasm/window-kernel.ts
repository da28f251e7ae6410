import type { WindowOptions } from '../core/detector-options.ts';
import type { AssetSeries } from '../core/series.ts';
import { globalValue, wasmModule } from './wasm-module.ts';

const PAGE_BYTES = 65_536;
const UTF8 = new TextEncoder();

interface KernelExports {
  readonly memory: WebAssembly.Memory;
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
  #metrics: readonly string[] | null = null;
  #texts: Uint8Array[] = [];

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
    const module = wasmModule('window');
    if (module === null) return null;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new WindowKernel(instance.exports as unknown as KernelExports);
  }

  /**
   * The report entries of `series` for window mode with `options`, in `detectWindow`'s order of
   * results (timeframe, then metric), or null when a flagged point's time is not a whole
   * millisecond of the years 0 to 9999 (for the caller to report the series in JavaScript).
   *
   * @param metrics - the set's metrics, in the order of `series.values`
   */
  entries(series: AssetSeries, metrics: readonly string[], options: WindowOptions): WindowEntries | null {
    const e = this.#exports;
    const texts = this.#metricTexts(metrics);
    const asset = UTF8.encode(JSON.stringify(series.asset));
    const n = series.times.length;
    const m = metrics.length;
    const results = options.timeframes.length * m;
    const longestName = texts.reduce((most, t) => Math.max(most, t.length), 0);
    // Doubles, then 32-bit integers, then bytes: every array aligned to its element.
    const times = globalValue(e.LAYOUT_AT);
    const values = times + 8 * n;
    const timeframes = values + 8 * n * m;
    const scratch = timeframes + 8 * options.timeframes.length;
    const names = scratch + 8 * n;
    const stats = names + 8 * m;
    const textsAt = stats + 12 * results;
    const assetAt = textsAt + texts.reduce((sum, t) => sum + t.length, 0);
    const dst = assetAt + asset.length;
    const perResult = globalValue(e.ENTRY_BYTES) + asset.length + longestName + n * globalValue(e.FLAG_BYTES);
    const end = dst + results * perResult;
    const pages = Math.ceil(end / PAGE_BYTES) - e.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) e.memory.grow(pages);
    const buffer = e.memory.buffer;
    new Float64Array(buffer, times, n).set(series.times);
    for (let k = 0; k < m; k++) new Float64Array(buffer, values + 8 * n * k, n).set(series.values[k]!);
    new Float64Array(buffer, timeframes, options.timeframes.length).set(options.timeframes);
    const bytes = new Uint8Array(buffer);
    const table = new Int32Array(buffer, names, 2 * m);
    let at = textsAt;
    texts.forEach((t, k) => {
      bytes.set(t, at);
      table[2 * k] = at - textsAt;
      table[2 * k + 1] = t.length;
      at += t.length;
    });
    bytes.set(asset, assetAt);
    const length = e.windowEntries(
      times,
      n,
      values,
      m,
      timeframes,
      options.timeframes.length,
      options.asOf,
      options.minSamples,
      options.deviationLimit,
      options.minRelativeIqr ?? 0,
      assetAt,
      asset.length,
      names,
      textsAt,
      scratch,
      stats,
      dst,
    );
    if (length < 0) return null;
    return { bytes: bytes.subarray(dst, dst + length), stats: new Int32Array(buffer, stats, 3 * results) };
  }

  /** The metrics' names as JSON texts, encoded once per list of metrics. */
  #metricTexts(metrics: readonly string[]): Uint8Array[] {
    if (metrics !== this.#metrics) {
      this.#metrics = metrics;
      this.#texts = metrics.map((name) => UTF8.encode(JSON.stringify(name)));
    }
    return this.#texts;
  }
}
