import { join } from 'node:path';
import { DAY_MS, type Mode } from '../../lambdas/core/detector-options.ts';
import { DirectionCode, detectRolling } from '../../lambdas/core/rolling-detector.ts';
import { SeriesBuilder, type SeriesSet } from '../../lambdas/core/series.ts';
import { detectWindow } from '../../lambdas/core/window-detector.ts';
import { loadSeries } from '../../lambdas/loaders/load-series.ts';
import type { ChartPayload } from '../../lambdas/report/chart-payload.ts';
import { REPORT_DATA_ID } from '../../lambdas/report/report-client.ts';

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

/** The page data a rendered report embeds, parsed back from its HTML. */
export interface EmbeddedData {
  readonly timeframes: readonly number[];
  readonly charts: readonly ChartPayload[];
}

/**
 * Reads the JSON a report page embeds for its script, as the page itself does.
 *
 * @example
 * embeddedData(renderReportHtml(model, source)).charts.length;
 */
export function embeddedData(html: string): EmbeddedData {
  const open = `<script type="application/json" id="${REPORT_DATA_ID}">`;
  const start = html.indexOf(open);
  if (start < 0) throw new Error('no embedded data in the page');
  return JSON.parse(html.slice(start + open.length, html.indexOf('</script>', start))) as EmbeddedData;
}

/** Values at the ends of the double range, mixed with ordinary ones: corrupt input a report must survive. */
export const HUGE_VALUES = Object.freeze([
  1,
  2,
  3,
  1e308,
  -1e308,
  2,
  Number.MAX_VALUE,
  4,
  Number.MIN_VALUE,
  3,
  2,
  1,
  5,
  6,
]);

/** One asset, `huge`, whose price, volatility and a custom metric hold {@link HUGE_VALUES} and ±1e300, daily from 2022-01-01. */
export function hugeSet(): SeriesSet {
  const b = new SeriesBuilder(['latest_price', 'volatility_index', 'custom']);
  HUGE_VALUES.forEach((v, i) => {
    b.add('huge', Date.UTC(2022, 0, 1 + i), [v, v, i % 2 ? 1e300 : -1e300], i);
  });
  return b.build();
}
