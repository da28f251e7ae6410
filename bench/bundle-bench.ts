/**
 * The deployment bundle (issue B §7): esbuild bundles `lambdas/handler/sqs-handler.ts`
 * with the settings of the CDK stack's `NodejsFunction` (lib/constructs/detector-function.ts:
 * minified ESM for Node.js 22 with the `require` banner, and mongodb's optional native
 * modules external), then module initialisation is timed in fresh Node.js processes.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { MONGODB_OPTIONAL_MODULES } from '../lib/constructs/detector-function.ts';
import { median, runNode } from './measure.ts';

/** Bundle size and initialisation time. */
export interface BundleBenchResult {
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  /** Import of the bundle inside a fresh process, per run (milliseconds). */
  readonly initMs: readonly number[];
  /** Whole fresh process (Node.js start + import + exit), per run. */
  readonly processMs: readonly number[];
  readonly initMedianMs: number;
}

/** Environment the handler module validates at initialisation (values are placeholders; nothing is called). */
const HANDLER_ENV = {
  DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/riskfence-dlq',
  MONGODB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:riskfence-mongodb',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'riskfence',
};

/**
 * Bundles the handler into `dir` and times its initialisation `runs` times.
 *
 * @param dir - output directory (created)
 * @param runs - fresh processes to time
 * @returns sizes and timings
 *
 * @example
 * const r = await bundleBench('.bench/bundle', 5);
 */
export async function bundleBench(dir: string, runs: number): Promise<BundleBenchResult> {
  mkdirSync(dir, { recursive: true });
  const outfile = resolve(dir, 'index.mjs');
  await build({
    entryPoints: ['lambdas/handler/sqs-handler.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    external: [...MONGODB_OPTIONAL_MODULES],
    logLevel: 'error',
  });
  const script =
    `const t = performance.now(); await import(${JSON.stringify(`file://${outfile}`)}); ` +
    'process.stdout.write(String(performance.now() - t));';
  const initMs: number[] = [];
  const processMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = runNode(['--input-type=module', '-e', script], { env: HANDLER_ENV });
    initMs.push(Number(run.stdout));
    processMs.push(run.wallMs);
  }
  return {
    bundleBytes: statSync(outfile).size,
    sourceMapBytes: statSync(join(dir, 'index.mjs.map')).size,
    initMs,
    processMs,
    initMedianMs: median(initMs),
  };
}
