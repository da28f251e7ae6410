import { readFileSync } from 'node:fs';

const PAGE_BYTES = 65_536;
const compiled = new Map<string, WebAssembly.Module | null>();

/** What every kernel exports besides its functions: the memory it was given. */
export interface KernelMemory {
  readonly memory: WebAssembly.Memory;
}

/**
 * A new instance of the WebAssembly module built from `assembly/<name>.ts` into `dist/wasm/` (at
 * install, by `tools/build-wasm.mjs`), with a memory of its own (one page; see {@link reserve}),
 * the module compiled once per thread; null when it was not built, for the caller to run the
 * JavaScript code the module stands in for.
 *
 * @example
 * const kernel = instantiate<{ memory: WebAssembly.Memory; rank(...): number }>('rolling');
 */
export function instantiate<T extends KernelMemory>(name: string): T | null {
  let module = compiled.get(name);
  if (module === undefined) {
    try {
      // Relative to this file, which the CLI's bundle keeps as its own URL.
      module = new WebAssembly.Module(readFileSync(new URL(`../../dist/wasm/${name}.wasm`, import.meta.url)));
    } catch {
      module = null;
    }
    compiled.set(name, module);
  }
  if (module === null) return null;
  const memory = new WebAssembly.Memory({ initial: 1 });
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as T;
}

/**
 * Grows a kernel's memory to at least `bytes` bytes. Growing detaches every view of the old
 * buffer: callers make their views afterwards.
 *
 * @example
 * reserve(kernel.memory, layoutEnd);
 * new Float64Array(kernel.memory.buffer, at, n).set(values);
 */
export function reserve(memory: WebAssembly.Memory, bytes: number): void {
  const pages = Math.ceil(bytes / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
  if (pages > 0) memory.grow(pages);
}

/**
 * The value of an exported global (the kernels export their memory layout as constants).
 *
 * @example
 * const bufferAt = globalValue(instance.exports.BUFFER_AT as WebAssembly.Global);
 */
export function globalValue(global: WebAssembly.Global): number {
  return global.value as number;
}
