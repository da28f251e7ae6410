import type { LineShape } from '../loaders/line-shape.ts';
import { globalValue as addressOf, instantiate, type KernelMemory, reserve } from './wasm-module.ts';

/** Bytes the kernel may read past the buffer's last byte (a word beyond a short literal run). */
const SLACK_BYTES = 64;
/** A shape slot the kernel does not read: a time given as a number (see `FieldScanner`). */
const SLOT_TIME = 1;

interface KernelExports extends KernelMemory {
  readonly RUNS_AT: WebAssembly.Global;
  readonly SHAPE_SLOTS_AT: WebAssembly.Global;
  readonly LITERALS_AT: WebAssembly.Global;
  readonly LITERALS_CAPACITY: WebAssembly.Global;
  readonly NAMES_AT: WebAssembly.Global;
  readonly NAME_BYTES_AT: WebAssembly.Global;
  readonly RECORDS_AT: WebAssembly.Global;
  readonly BUFFER_AT: WebAssembly.Global;
  readonly records: WebAssembly.Global;
  readonly assets: WebAssembly.Global;
  reset(metrics: number): void;
  setShape(values: number, complete: number): void;
  scan(start: number, stop: number, limit: number): number;
}

/**
 * The field scanner's shaped-line loop compiled to WebAssembly
 * (`assembly/field-scan.ts`, built into `dist/wasm/` at install): it reads the
 * lines of a chunk that have the shape the JavaScript `FieldScanner` learnt,
 * asset, time and metric values straight into records of doubles, and stops
 * at the first line it cannot read exactly, for the JavaScript scanner to
 * read. Every line it accepts gives exactly what the JavaScript scanner gives:
 * the same validation (a literal run differing, a string with an escape or a
 * control character, an asset outside printable ASCII, a metric object — any
 * of these stops it), the same canonical ISO times (`YYYY-MM-DDTHH:MM:SS[.sss]Z`,
 * years from 100), numbers correctly rounded as `JSON.parse` reads them
 * (Clinger's fast path; 16 to 19 digits by the same double-double division as
 * `decimalQuotient`; exponents, longer numbers and near-midpoints stop it).
 *
 * The chunk buffer lives in the module's memory, so bytes read from the file
 * are scanned where they land. One kernel per scan: it holds its own asset
 * names, by id.
 *
 * Complexity: O(bytes) per {@link scan}; memory: the buffer plus ~3 MB.
 *
 * @example
 * const kernel = FieldScanKernel.create(2, 5 * 2 ** 20);
 * if (kernel) {
 *   kernel.setShape(shape, slots, true); // from the JavaScript scanner's first line
 *   const next = kernel.scan(0, stop, limit);
 *   for (let i = 0; i < kernel.count; i++) kernel.records[i * kernel.stride + 1]; // a time
 * }
 */
export class FieldScanKernel {
  /** The chunk buffer: read the input into it, then {@link scan} offsets of it. */
  readonly buffer: Buffer;
  /** Per record (line read): asset id, time, then each metric's value (NaN where missing or not a number). */
  readonly records: Float64Array;
  /** Doubles per record. */
  readonly stride: number;
  readonly #exports: KernelExports;
  readonly #bytes: Uint8Array;
  readonly #words: Int32Array;
  readonly #names: string[] = [];
  #active = false;

  private constructor(exports: KernelExports, metrics: number, bufferBytes: number) {
    this.#exports = exports;
    const memory = exports.memory.buffer;
    this.#bytes = new Uint8Array(memory);
    this.#words = new Int32Array(memory);
    this.buffer = Buffer.from(memory, addressOf(exports.BUFFER_AT), bufferBytes);
    this.stride = metrics + 2;
    this.records = new Float64Array(memory, addressOf(exports.RECORDS_AT));
    exports.reset(metrics);
  }

  /**
   * A kernel for `metrics` metric values per line and a chunk buffer of `bufferBytes`, or null when
   * the module was not built.
   */
  static create(metrics: number, bufferBytes: number): FieldScanKernel | null {
    const exports = instantiate<KernelExports>('field-scan');
    if (exports === null) return null;
    // The buffer's offset is fixed by the module: the memory is sized for the buffer after it.
    reserve(exports.memory, addressOf(exports.BUFFER_AT) + bufferBytes + SLACK_BYTES);
    return new FieldScanKernel(exports, metrics, bufferBytes);
  }

  /**
   * Takes the shape of the line the JavaScript scanner last read key by key: its literal runs and
   * the slot of each value (-2 time text, -1 skipped, 0 asset, 1 number time, 2 + m metric m).
   * A shape the kernel does not read (none, a number time, literal runs too long) stops it until
   * the next shape.
   */
  setShape(shape: LineShape | null, slots: Int32Array, complete: boolean): void {
    const e = this.#exports;
    this.#active = false;
    e.setShape(0, 0);
    if (shape === null || slots.includes(SLOT_TIME)) return;
    const runsAt = addressOf(e.RUNS_AT) / 4;
    const slotsAt = addressOf(e.SHAPE_SLOTS_AT) / 4;
    const literalsAt = addressOf(e.LITERALS_AT);
    let used = 0;
    for (let k = 0; k <= shape.values; k++) {
      const run = shape.run(k);
      if (used + run.length > addressOf(e.LITERALS_CAPACITY)) return;
      this.#bytes.set(run, literalsAt + used);
      this.#words[runsAt + 2 * k] = used;
      this.#words[runsAt + 2 * k + 1] = run.length;
      used += run.length;
    }
    this.#words.set(slots.subarray(0, shape.values), slotsAt);
    e.setShape(shape.values, complete ? 1 : 0);
    this.#active = shape.values > 0;
  }

  /** Whether a shape is set that the kernel reads. */
  get active(): boolean {
    return this.#active;
  }

  /**
   * Reads the lines of the buffer from `start` up to `stop` (`limit`: the newline that ends the last
   * line) into {@link records}, stopping at the first line it cannot read exactly or when the
   * records are full.
   *
   * @returns the offset after the last line read; {@link count} lines were read
   */
  scan(start: number, stop: number, limit: number): number {
    return this.#exports.scan(start, stop, limit);
  }

  /** Records written by the last {@link scan}. */
  get count(): number {
    return this.#exports.records.value as number;
  }

  /** The name of asset `id` (a record's first double). */
  assetName(id: number): string {
    let name = this.#names[id];
    if (name === undefined) {
      const at = addressOf(this.#exports.NAMES_AT) / 4 + 2 * id;
      const start = this.#words[at]!;
      const length = this.#words[at + 1]!;
      const bytesAt = addressOf(this.#exports.NAME_BYTES_AT);
      name = Buffer.from(this.#bytes.buffer, bytesAt + start, length).toString('latin1');
      this.#names[id] = name;
    }
    return name;
  }
}
