/**
 * Core-only timings, run by `bench/run.ts` in a child process of its own:
 * loads a generated NDJSON file once (`loadSeries`, the CLI's loader), then
 * times the detector on the in-memory series several times.
 *
 *   tsx bench/core-bench.ts --input FILE --mode window|rolling [--as-of ISO] [--runs N]
 *
 * Prints one JSON line: load time, every run's detect time, flags and points judged.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_DEVIATION_LIMIT,
  DEFAULT_METRICS,
  DEFAULT_TIMEFRAMES,
} from '../lambdas/core/detector-options.ts';
import { DirectionCode, detectRolling } from '../lambdas/core/rolling-detector.ts';
import type { SeriesSet } from '../lambdas/core/series.ts';
import { parseIsoTimestamp } from '../lambdas/core/timestamp.ts';
import { detectWindow } from '../lambdas/core/window-detector.ts';
import { loadSeries } from '../lambdas/loaders/load-series.ts';

/** What one core benchmark printed. */
export interface CoreBenchResult {
  readonly mode: 'window' | 'rolling';
  readonly observations: number;
  readonly loadMs: number;
  readonly detectMs: readonly number[];
  /** Values judged (metric × timeframe × observation in a window or with fences). */
  readonly judged: number;
  readonly flags: number;
}

const DETECTOR = { timeframes: DEFAULT_TIMEFRAMES, deviationLimit: DEFAULT_DEVIATION_LIMIT, minSamples: 1 };

const { values: flags } = parseArgs({
  options: {
    input: { type: 'string' },
    mode: { type: 'string' },
    'as-of': { type: 'string' },
    runs: { type: 'string', default: '5' },
  },
});
if (flags.input === undefined || (flags.mode !== 'window' && flags.mode !== 'rolling')) {
  throw new Error(
    'usage: tsx bench/core-bench.ts --input FILE --mode window|rolling [--as-of ISO] [--runs N]',
  );
}
const mode = flags.mode;
const start = performance.now();
const { set } = await loadSeries(flags.input, {
  assetField: 'coin_id',
  timeField: 'timestamp',
  metrics: DEFAULT_METRICS,
});
const loadMs = performance.now() - start;
const run =
  mode === 'window'
    ? windowRun(set, parseIsoTimestamp(flags['as-of'] ?? '2100-01-01'))
    : () => rollingRun(set);
const detectMs: number[] = [];
let last = { judged: 0, flags: 0 };
for (let i = 0; i < Number(flags.runs); i++) {
  const t = performance.now();
  last = run();
  detectMs.push(performance.now() - t);
}
const result: CoreBenchResult = { mode, observations: set.observations, loadMs, detectMs, ...last };
process.stdout.write(`${JSON.stringify(result)}\n`);

function windowRun(s: SeriesSet, asOf: number) {
  return () => {
    let judged = 0;
    let flagged = 0;
    for (const r of detectWindow(s, { ...DETECTOR, asOf })) {
      judged += r.n;
      flagged += r.flags.length;
    }
    return { judged, flags: flagged };
  };
}

function rollingRun(s: SeriesSet) {
  let judged = 0;
  let flagged = 0;
  for (const r of detectRolling(s, { ...DETECTOR, closed: 'left' })) {
    judged += r.direction.length;
    for (let i = 0; i < r.direction.length; i++) if (r.direction[i] !== DirectionCode.None) flagged++;
  }
  return { judged, flags: flagged };
}
