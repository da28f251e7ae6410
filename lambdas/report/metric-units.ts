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

/** One magnitude class of {@link VALUE_FORMAT}: values with `|v| >= from` use these `Intl.NumberFormat` options. */
export interface FormatRule {
  readonly from: number;
  readonly options: Intl.NumberFormatOptions;
}

/**
 * How values are written, as data rather than code so that the report page
 * (which formats under the cursor and on zoomed axes) and the server write
 * the same text: the first rule whose `from` the magnitude reaches, combined
 * with the unit's style. Scientific notation at both ends keeps labels short
 * for corrupt values near ±1e308 or 5e-324, where compact notation would
 * print hundreds of digits.
 */
export const VALUE_FORMAT = {
  locale: 'en-US',
  rules: [
    { from: 1e15, options: { notation: 'scientific', maximumSignificantDigits: 3 } },
    { from: 1e3, options: { notation: 'compact', maximumSignificantDigits: 3 } },
    { from: 1, options: { maximumSignificantDigits: 4 } },
    { from: 1e-6, options: { maximumSignificantDigits: 3 } },
    { from: Number.MIN_VALUE, options: { notation: 'scientific', maximumSignificantDigits: 3 } },
    { from: 0, options: { maximumSignificantDigits: 3 } },
  ],
  units: {
    [MetricUnit.Usd]: { style: 'currency', currency: 'USD' },
    [MetricUnit.Percent]: { style: 'unit', unit: 'percent' },
    [MetricUnit.Score]: {},
    [MetricUnit.None]: {},
  },
} as const satisfies {
  locale: string;
  rules: readonly FormatRule[];
  units: Readonly<Record<MetricUnit, Intl.NumberFormatOptions>>;
};

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * A short label for an axis tick or readout: `$1.25B`, `350K`, `$0.0001`,
 * `139.6%`, `1E308`; `–` for NaN and ±Infinity.
 *
 * Formatters are built once per unit and rule and cached.
 *
 * @param v - the value
 * @param unit - its unit
 * @returns at most about 8 characters
 *
 * Complexity: O(1) after the first call per unit and magnitude class.
 *
 * @example
 * formatValue(1_250_000_000, 'USD'); // '$1.25B'
 */
export function formatValue(v: number, unit: MetricUnit): string {
  if (!Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  const rule = VALUE_FORMAT.rules.findIndex((r) => abs >= r.from);
  const key = `${unit}\u0000${rule}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(VALUE_FORMAT.locale, {
      ...VALUE_FORMAT.units[unit],
      ...VALUE_FORMAT.rules[rule]!.options,
    });
    formatters.set(key, format);
  }
  return format.format(v);
}
