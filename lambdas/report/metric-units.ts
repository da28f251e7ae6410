/** How a metric's values are measured, which decides its axis. */
export const MetricUnit = { Usd: 'USD', Score: 'score', Percent: '%', None: '' } as const;
/** One of {@link MetricUnit}. */
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

const UNITS: Readonly<Record<string, MetricUnit>> = {
  latest_price: MetricUnit.Usd,
  volume: MetricUnit.Usd,
  market_cap: MetricUnit.Usd,
  market_cap_score: MetricUnit.Score,
  liquidity_risk_score: MetricUnit.Score,
  volatility_risk_score: MetricUnit.Score,
  volatility_index: MetricUnit.Percent,
};

/**
 * The unit of one of the seven default metrics; other (configured) metrics have none.
 *
 * @example
 * metricUnit('volume'); // 'USD'
 */
export function metricUnit(metric: string): MetricUnit {
  return UNITS[metric] ?? MetricUnit.None;
}

/**
 * The y-axis title of a metric: name, unit and the scale when it is logarithmic.
 *
 * @example
 * axisTitle('latest_price', true); // 'latest_price (USD, log scale)'
 */
export function axisTitle(metric: string, log: boolean): string {
  const unit = metricUnit(metric);
  const parts = [unit === MetricUnit.Score ? 'score 0–100' : unit, log ? 'log scale' : ''].filter(
    (s) => s !== '',
  );
  return parts.length === 0 ? metric : `${metric} (${parts.join(', ')})`;
}

const SUFFIXES = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
] as const;

/**
 * A short label for an axis tick or tooltip: `1.2B`, `350k`, `0.0001`, with
 * the unit's sign (`$`, `%`) where it has one.
 *
 * @param v - the value
 * @param unit - its unit
 * @returns at most about 8 characters for tick values
 *
 * @example
 * formatValue(1_250_000_000, 'USD'); // '$1.25B'
 */
export function formatValue(v: number, unit: MetricUnit): string {
  if (!Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  let text: string;
  const suffix = SUFFIXES.find(([d]) => abs >= d);
  if (suffix) text = `${trim((v / suffix[0]).toPrecision(3))}${suffix[1]}`;
  else if (abs === 0) text = '0';
  else if (abs >= 1) text = trim(v.toPrecision(4));
  else text = trim(v.toPrecision(3));
  if (unit === MetricUnit.Usd) return v < 0 ? `-$${text.slice(1)}` : `$${text}`;
  if (unit === MetricUnit.Percent) return `${text}%`;
  return text;
}

/** Drops trailing zeros of a decimal (`1.50` → `1.5`) and avoids exponent notation for small values. */
function trim(text: string): string {
  const plain = text.includes('e') ? Number(text).toFixed(12) : text;
  return plain.includes('.') ? plain.replace(/\.?0+$/, '') : plain;
}
