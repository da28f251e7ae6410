import { readFileSync } from 'node:fs';

const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * A WebAssembly module built from `assembly/<name>.ts` into `dist/wasm/` (at install, by
 * `tools/build-wasm.mjs`), compiled once per thread; null when it was not built, for the caller to
 * run the JavaScript code the module stands in for.
 *
 * @example
 * const module = wasmModule('rolling');
 * if (module) new WebAssembly.Instance(module, { env: { memory } });
 */
export function wasmModule(name: string): WebAssembly.Module | null {
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
  return module;
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
