/**
 * The physical limit of reading NDJSON on this machine, run by `bench/run.ts` in a child
 * process of its own: the input is read into memory once (page cache and memory bandwidth
 * only), then timed per pass:
 *
 * - `newlines`: finding every line end with `Buffer#indexOf` (memchr speed: no parse can be faster);
 * - `jsonParse`: `JSON.parse` of every line (the exact path's parser), one thread;
 * - `scanner`: the JavaScript field scanner over every line, one thread, and on `threads` threads at
 *   once (each scanning its own line-aligned share once to compile, then timed from a common start
 *   to the last finish);
 * - `kernel`: the same with the field scanner's WebAssembly kernel, as `scanNdjson` runs it (the
 *   JavaScript scanner reads the first line and learns its shape; the kernel the lines of that
 *   shape), each 4 MiB chunk copied into the kernel's buffer first (where a file read lands).
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
import { FieldScanKernel } from '../lambdas/wasm/field-scan-kernel.ts';
import { median } from './measure.ts';

/** What the scan-limit benchmark printed. */
export interface ScanLimitResult {
  readonly bytes: number;
  readonly newlinesMs: number;
  readonly jsonParseMs: number;
  readonly scannerMs: number;
  readonly threads: number;
  readonly scannerThreadsMs: number;
  readonly kernelMs: number;
  readonly kernelThreadsMs: number;
}

const MAPPING = { assetField: 'coin_id', timeField: 'timestamp', metrics: DEFAULT_METRICS };
const NEWLINE = 0x0a;

interface Share {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly kernel: boolean;
}

const CHUNK_BYTES = 4 * 1024 * 1024;

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

/** {@link scanShare} with the WebAssembly kernel; the kernel is made before the clock starts. */
function kernelShare(bytes: Buffer, start: number, end: number): number {
  const kernel = FieldScanKernel.create(MAPPING.metrics.length, CHUNK_BYTES + 4);
  if (kernel === null) throw new Error('the WebAssembly kernels are not built (npm run build:cli)');
  const scanner = new FieldScanner(MAPPING);
  scanner.onShape = (shape, slots, complete) => kernel.setShape(shape, slots, complete);
  const buffer = kernel.buffer;
  const began = performance.now();
  for (let offset = start; offset < end; ) {
    const stop = Math.min(end, bytes.lastIndexOf(NEWLINE, offset + CHUNK_BYTES - 1) + 1);
    const length = stop - offset;
    bytes.copy(buffer, 0, offset, stop);
    for (let p = 0; p < length; ) {
      const next = kernel.scan(p, length, length - 1);
      if (kernel.count > 0) p = next;
      else if (scanner.scan(buffer, p, length - 1) === LineVerdict.Unusual) {
        throw new Error(`the generated data should scan without hand-overs (offset ${offset + p})`);
      } else p = scanner.next;
    }
    offset = stop;
  }
  return performance.now() - began;
}

if (!isMainThread) {
  const share = workerData as Share;
  const bytes = readFileSync(share.file);
  const pass = () => (share.kernel ? kernelShare : scanShare)(bytes, share.start, share.end);
  // A first pass compiles the scanner, as the single-thread runs before have compiled theirs.
  pass();
  parentPort!.once('message', () => {
    pass();
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
  const kernelMs = repeat(() => kernelShare(bytes, 0, bytes.length));
  const onAll = async (kernel: boolean) => {
    const times: number[] = [];
    for (let r = 0; r < runs; r++) times.push(await onThreads(file, bytes, threads, kernel));
    return median(times);
  };
  const scannerThreadsMs = await onAll(false);
  const kernelThreadsMs = await onAll(true);
  const result: ScanLimitResult = {
    bytes: bytes.length,
    newlinesMs,
    jsonParseMs,
    scannerMs,
    threads,
    scannerThreadsMs,
    kernelMs,
    kernelThreadsMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Milliseconds from a common start until every thread has scanned its share (start-up excluded). */
async function onThreads(file: string, bytes: Buffer, threads: number, kernel: boolean): Promise<number> {
  const cuts = [0];
  for (let k = 1; k < threads; k++)
    cuts.push(bytes.indexOf(NEWLINE, Math.floor((bytes.length * k) / threads)) + 1);
  cuts.push(bytes.length);
  const workers = cuts.slice(1).map(
    (end, k) =>
      new Worker(new URL('./scan-limit-worker.mjs', import.meta.url), {
        workerData: { file, start: cuts[k]!, end, kernel } satisfies Share,
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
