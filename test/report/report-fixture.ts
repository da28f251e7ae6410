import { join } from 'node:path';
import { DAY_MS, type Mode } from '../../lambdas/core/detector-options.ts';
import { DirectionCode, detectRolling } from '../../lambdas/core/rolling-detector.ts';
import type { SeriesSet } from '../../lambdas/core/series.ts';
import { detectWindow } from '../../lambdas/core/window-detector.ts';
import { loadSeries } from '../../lambdas/loaders/load-series.ts';

/** The bundled sample of real market data. */
export const SAMPLE = join(import.meta.dirname, '..', '..', 'sample', 'risk-scores-2022-2023.ndjson');
export const FROM = Date.UTC(2022, 3, 1);
export const TO = Date.UTC(2022, 5, 30);
export const ASSETS = ['terra-luna', 'bitcoin'] as const;
export const METRICS = ['latest_price', 'volume', 'market_cap_score'] as const;

/** The sample narrowed to {@link ASSETS} (in that order) and {@link METRICS}. */
export async function sampleSet(): Promise<SeriesSet> {
  const { set } = await loadSeries(SAMPLE, {
    assetField: 'coin_id',
    timeField: 'timestamp',
    metrics: [...METRICS],
  });
  return { ...set, series: ASSETS.map((a) => set.series.find((s) => s.asset === a)!) };
}

/**
 * Flags in [from, to] counted straight from the core detectors, independently of the report
 * model: one per flagged point per timeframe.
 */
export function coreFlagCount(
  set: SeriesSet,
  mode: Mode,
  from: number,
  to: number,
  asOf = to + DAY_MS,
): number {
  const options = { timeframes: [3, 7, 30], deviationLimit: 1.5, minSamples: 1 };
  let count = 0;
  if (mode === 'rolling') {
    for (const r of detectRolling(set, { ...options, closed: 'left' })) {
      r.direction.forEach((d, i) => {
        const t = r.series.times[i]!;
        if (d !== DirectionCode.None && t >= from && t <= to) count++;
      });
    }
    return count;
  }
  for (const r of detectWindow(set, { ...options, asOf }))
    count += r.flags.filter((f) => f.time >= from && f.time <= to).length;
  return count;
}
