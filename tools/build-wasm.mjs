#!/usr/bin/env node
// Builds the WebAssembly kernels (assembly/*.ts, AssemblyScript) into dist/wasm/: the NDJSON field
// scanner's shaped-line loop and rolling mode's per-point fences. Run by tools/build-cli.mjs (so by
// `prepare` at `npm ci`) and by the tests' global setup (vitest.config.ts) for a module missing or
// older than its source. Without them riskfence runs the JavaScript code they stand in for: the
// same results, more slowly.
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const at = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
export const WASM_MODULES = ['field-scan', 'rolling', 'window'];
const source = (name) => at(`assembly/${name}.ts`);
const output = (name) => at(`dist/wasm/${name}.wasm`);

/** The modules whose build is missing or older than their source. */
export async function staleModules() {
  const stale = await Promise.all(
    WASM_MODULES.map(async (name) => {
      const [from, to] = await Promise.all([stat(source(name)), stat(output(name)).catch(() => null)]);
      return to === null || to.mtimeMs < from.mtimeMs;
    }),
  );
  return WASM_MODULES.filter((_, i) => stale[i]);
}

/** Compiles the modules; throws with the compiler's messages when one fails. */
export async function buildWasm(names = WASM_MODULES) {
  const { default: asc } = await import('assemblyscript/asc');
  await mkdir(at('dist/wasm'), { recursive: true });
  for (const name of names) {
    const staging = `${output(name)}.${process.pid}.tmp`;
    let messages = '';
    const sink = {
      write: (text) => {
        messages += String(text);
        return true;
      },
    };
    const { error } = await asc.main(
      [
        source(name),
        '-O3',
        '--runtime',
        'stub',
        '--noAssert',
        '--importMemory',
        '--use',
        'abort=',
        '--outFile',
        staging,
      ],
      { stdout: sink, stderr: sink },
    );
    if (error) {
      await rm(staging, { force: true });
      throw new Error(`${name}: ${error.message}\n${messages}`);
    }
    // Renamed into place, so that a concurrent reader never sees half a module.
    await rename(staging, output(name));
  }
}

/** Vitest's global setup: the tests run the kernels built from the current sources. */
export async function setup() {
  const stale = await staleModules();
  if (stale.length > 0) await buildWasm(stale);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWasm();
