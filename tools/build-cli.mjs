#!/usr/bin/env node
// Builds the `riskfence` CLI and its worker threads into dist/cli/ as plain JavaScript, so that
// bin/riskfence.js starts without compiling TypeScript, then the WebAssembly kernels into dist/wasm/
// (tools/build-wasm.mjs). `npm run build:cli` runs it; `prepare`
// runs it at `npm install`/`npm ci` with --if-possible, where a failed build only warns: the
// previous build is removed either way, so bin/riskfence.js falls back to the TypeScript
// sources rather than run JavaScript older than them. Packages stay external (resolved from
// node_modules at run time).
import { readFile, rename, rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { buildWasm } from './build-wasm.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = 'dist/cli';
const STAGING = 'dist/.cli-staging';
const WORKER_ENTRY_MODULE = /[\\/]lambdas[\\/]threads[\\/]pool-worker-entry\.ts$/;
const ifPossible = process.argv.includes('--if-possible');

/**
 * Keeps every module's `import.meta.url` pointing at its source file, so that files read at run
 * time relative to a module (the bundled sample, package assets) resolve exactly as from the
 * sources; and points the thread pool's worker entry at the bundled worker beside the chunks.
 */
const sourceLocations = {
  name: 'source-locations',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (WORKER_ENTRY_MODULE.test(args.path)) {
        return {
          loader: 'ts',
          contents: "export const POOL_WORKER_ENTRY = new URL('./pool-worker.mjs', import.meta.url);\n",
        };
      }
      const text = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { loader: 'ts', contents: text.replaceAll('import.meta.url', url) };
    });
  },
};

/**
 * Keeps packages external (resolved from node_modules at run time, files they read included),
 * except the few the CLI imports on every start: bundled, they load as one file instead of
 * dozens of modules (zod alone costs ~45 ms of a `--help` when loaded from its own files).
 */
const BUNDLED_PACKAGES = /^zod(\/|$)/;
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      BUNDLED_PACKAGES.test(args.path) ? undefined : { path: args.path, external: true },
    );
  },
};

const started = performance.now();
const at = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
await rm(at(OUT), { recursive: true, force: true });
await rm(at(STAGING), { recursive: true, force: true });
try {
  await build({
    absWorkingDir: root,
    entryPoints: { main: 'lambdas/cli/main.ts', 'pool-worker': 'lambdas/threads/pool-worker.ts' },
    outdir: STAGING,
    bundle: true,
    splitting: true,
    format: 'esm',
    // `.mjs` says ES module by itself: Node.js looks for no package.json to learn the type of each
    // of the ~40 files `detect` loads (~5 ms of its start).
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'silent',
    plugins: [sourceLocations, externalPackages],
  });
  await rename(at(STAGING), at(OUT));
  process.stderr.write(`riskfence: CLI built into ${OUT} in ${Math.round(performance.now() - started)} ms\n`);
} catch (e) {
  await rm(at(STAGING), { recursive: true, force: true });
  process.stderr.write(
    `riskfence: CLI build failed, bin/riskfence.js will run the TypeScript sources:\n${e.message}\n`,
  );
  if (!ifPossible) process.exitCode = 1;
}
try {
  const wasmStarted = performance.now();
  await buildWasm();
  process.stderr.write(
    `riskfence: WebAssembly kernels built into dist/wasm in ${Math.round(performance.now() - wasmStarted)} ms\n`,
  );
} catch (e) {
  process.stderr.write(
    `riskfence: WebAssembly kernels build failed, riskfence will run the JavaScript code they stand in for:\n${e.message}\n`,
  );
  if (!ifPossible) process.exitCode = 1;
}
