/**
 * The physical limit of reading NDJSON on this machine, run by `bench/run.ts` in a child
 * process of its own: the input is read into memory once (page cache and memory bandwidth
 * only), then timed per pass:
 *
 * - `newlines`: finding every line end with `Buffer#indexOf` (memchr speed: no parse can be faster);
 * - `jsonParse`: `JSON.parse` of every line (the exact path's parser), one thread;
 * - `scanner`: the field scanner over every line, one thread, and on `threads` threads at once
 *   (each scanning its own line-aligned share once to compile, then timed from a common start
 *   to the last finish).
 *
 *   tsx bench/scan-limit.ts --input FILE [--runs N] [--threads N]
 *
 * Prints one JSON line: bytes, and the median milliseconds of each pass.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DEFAULT_METRICS } from '../lambdas/core/detector-options.ts';
import { FieldScanner, LineVerdict } from '../lambdas/loaders/field-scanner.ts';
import { median } from './measure.ts';

/** What the scan-limit benchmark printed. */
export interface ScanLimitResult {
  readonly bytes: number;
  readonly newlinesMs: number;
  readonly jsonParseMs: number;
  readonly scannerMs: number;
  readonly threads: number;
  readonly scannerThreadsMs: number;
}

const MAPPING = { assetField: 'coin_id', timeField: 'timestamp', metrics: DEFAULT_METRICS };
const NEWLINE = 0x0a;

interface Share {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/** Scans `[start, end)` of the bytes (line-aligned, ending with a newline) and returns the milliseconds. */
function scanShare(bytes: Buffer, start: number, end: number): number {
  const share = bytes.subarray(start, end);
  const scanner = new FieldScanner(MAPPING);
  const began = performance.now();
  for (let p = 0; p < share.length; p = scanner.next) {
    if (scanner.scan(share, p, share.length - 1) === LineVerdict.Unusual) {
      throw new Error(`the generated data should scan without hand-overs (offset ${start + p})`);
    }
  }
  return performance.now() - began;
}

if (!isMainThread) {
  const share = workerData as Share;
  const bytes = readFileSync(share.file);
  // A first pass compiles the scanner, as the single-thread runs before have compiled theirs.
  scanShare(bytes, share.start, share.end);
  parentPort!.once('message', () => {
    scanShare(bytes, share.start, share.end);
    parentPort!.postMessage('done');
  });
  parentPort!.postMessage('ready');
} else {
  const { values: flags } = parseArgs({
    options: { input: { type: 'string' }, runs: { type: 'string' }, threads: { type: 'string' } },
  });
  const file = flags.input!;
  const runs = Number(flags.runs ?? 3);
  const threads = Number(flags.threads ?? 2);
  const bytes = readFileSync(file);
  const repeat = (pass: () => number) => median(Array.from({ length: runs }, pass));
  const newlinesMs = repeat(() => {
    const began = performance.now();
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1));
    return performance.now() - began;
  });
  const jsonParseMs = repeat(() => {
    const text = bytes.toString('latin1');
    const began = performance.now();
    for (let s = 0, e = text.indexOf('\n'); e !== -1; s = e + 1, e = text.indexOf('\n', s))
      JSON.parse(text.slice(s, e));
    return performance.now() - began;
  });
  const scannerMs = repeat(() => scanShare(bytes, 0, bytes.length));
  const threadTimes: number[] = [];
  for (let r = 0; r < runs; r++) threadTimes.push(await onThreads(file, bytes, threads));
  const scannerThreadsMs = median(threadTimes);
  const result: ScanLimitResult = {
    bytes: bytes.length,
    newlinesMs,
    jsonParseMs,
    scannerMs,
    threads,
    scannerThreadsMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Milliseconds from a common start until every thread has scanned its share (start-up excluded). */
async function onThreads(file: string, bytes: Buffer, threads: number): Promise<number> {
  const cuts = [0];
  for (let k = 1; k < threads; k++)
    cuts.push(bytes.indexOf(NEWLINE, Math.floor((bytes.length * k) / threads)) + 1);
  cuts.push(bytes.length);
  const workers = cuts.slice(1).map(
    (end, k) =>
      new Worker(new URL('./scan-limit-worker.mjs', import.meta.url), {
        workerData: { file, start: cuts[k]!, end } satisfies Share,
      }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const began = performance.now();
  for (const w of workers) w.postMessage('go');
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const ms = performance.now() - began;
  await Promise.all(workers.map((w) => w.terminate()));
  return ms;
}
