import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_METRICS, DEFAULT_TIMEFRAMES } from '../../lambdas/core/detector-options.ts';
import type { SeriesSet } from '../../lambdas/core/series.ts';
import { seriesFromDocuments } from '../../lambdas/core/series-from-documents.ts';

/** Where the golden cases copied from the pandas reference live inside the project. */
export const GOLDEN_DIR = join(import.meta.dirname, '..', 'fixtures', 'golden');

/** One golden case: input documents, options and the pandas reference's output. */
export interface GoldenCase {
  readonly name: string;
  readonly description: string;
  readonly mode: 'window' | 'rolling';
  readonly options: {
    readonly asOf?: string;
    readonly timeframes?: number[];
    readonly deviationLimit?: number;
    readonly minSamples?: number;
    readonly closed?: 'left' | 'right';
    readonly metrics?: string[];
  };
  readonly input: unknown[];
  readonly expected: unknown;
}

/** Names of every golden case file, without `.json`. */
export function goldenNames(): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Reads one golden case. */
export function readGolden(name: string): GoldenCase {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, `${name}.json`), 'utf8')) as GoldenCase;
}

/** A golden case's series and the options it shares between modes, its defaults filled in. */
export function goldenSeries(c: GoldenCase): {
  readonly set: SeriesSet;
  readonly common: {
    readonly timeframes: number[];
    readonly deviationLimit: number;
    readonly minSamples: number;
    readonly metrics: string[];
  };
} {
  const metrics = c.options.metrics ?? [...DEFAULT_METRICS];
  const common = {
    timeframes: c.options.timeframes ?? [...DEFAULT_TIMEFRAMES],
    deviationLimit: c.options.deviationLimit ?? 1.5,
    minSamples: c.options.minSamples ?? 1,
    metrics,
  };
  const { set } = seriesFromDocuments(c.input, { assetField: 'coin_id', timeField: 'timestamp', metrics });
  return { set, common };
}
