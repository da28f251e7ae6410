/**
 * One SQS record through the Lambda handler with the file store (issue B §7),
 * run by `bench/run.ts` in a child process of its own.
 *
 *   tsx bench/handler-bench.ts --input FILE --as-of ISO [--runs N]
 *
 * Each run copies the generated NDJSON file, opens a `FileDetectionStore` on
 * the copy (not timed: in Lambda the data sits in MongoDB), then times one
 * version-1 message for every asset of the file through `invokeLocally` — the
 * real handler: parse, store read, detect, flag and run-summary writes (the
 * file store rewrites the file). A second record with the same message is
 * timed too: it computes the same flags and writes none.
 *
 * Prints one JSON line.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadServiceConfig } from '../lambdas/config/service-config.ts';
import { MemoryDeadLetterSink } from '../lambdas/handler/dead-letter-sink.ts';
import { invokeLocally, sqsRecord } from '../lambdas/handler/local-invocation.ts';
import { FileDetectionStore } from '../lambdas/stores/file-store.ts';
import { assetName } from './generate.ts';

/** What the handler benchmark printed. */
export interface HandlerBenchResult {
  readonly assets: number;
  readonly documents: number;
  readonly openMs: readonly number[];
  /** First record on a fresh copy: every flag is new and written. */
  readonly recordMs: readonly number[];
  /** The same message again: same flags, nothing written. */
  readonly rerunMs: readonly number[];
  readonly flagsWritten: number;
  readonly anomalies: number;
}

const { values: flags } = parseArgs({
  options: {
    input: { type: 'string' },
    'as-of': { type: 'string' },
    assets: { type: 'string' },
    runs: { type: 'string', default: '5' },
  },
});
if (flags.input === undefined || flags['as-of'] === undefined || flags.assets === undefined) {
  throw new Error('usage: tsx bench/handler-bench.ts --input FILE --as-of ISO --assets N [--runs N]');
}
const assets = Array.from({ length: Number(flags.assets) }, (_, i) => assetName(i));
const body = JSON.stringify({ version: 1, assets, asOf: flags['as-of'] });
const config = loadServiceConfig({});
const dir = mkdtempSync(join(tmpdir(), 'riskfence-handler-bench-'));
const openMs: number[] = [];
const recordMs: number[] = [];
const rerunMs: number[] = [];
let flagsWritten = 0;
let anomalies = 0;
let documents = 0;
try {
  for (let i = 0; i < Number(flags.runs); i++) {
    const copy = join(dir, `run-${i}.ndjson`);
    copyFileSync(flags.input, copy);
    let t = performance.now();
    const store = await FileDetectionStore.open(copy, {
      assetField: config.mapping.assetField,
      timeField: config.mapping.timeField,
      anomaliesField: config.anomaliesField,
    });
    openMs.push(performance.now() - t);
    documents = store.size;
    for (const times of [recordMs, rerunMs]) {
      const record = sqsRecord({ messageId: `bench-${i}-${times.length}`, body, sentTimestamp: Date.now() });
      t = performance.now();
      const run = await invokeLocally(
        { Records: [record] },
        { config, store, deadLetters: new MemoryDeadLetterSink() },
      );
      times.push(performance.now() - t);
      if (run.tally.recordsFailed + run.tally.invalidMessages > 0) {
        throw new Error(`the benchmark record failed: ${JSON.stringify(run.reports)}`);
      }
      if (times === recordMs) {
        flagsWritten = run.tally.flagsWritten;
        anomalies = [...run.tally.anomaliesByTimeframe.values()].reduce((a, b) => a + b, 0);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const result: HandlerBenchResult = {
  assets: assets.length,
  documents,
  openMs,
  recordMs,
  rerunMs,
  flagsWritten,
  anomalies,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
