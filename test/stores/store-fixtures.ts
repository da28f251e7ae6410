import { DAY_MS } from '../../lambdas/core/detector-options.ts';

/** Midnight UTC of a `YYYY-MM-DD` day, epoch ms. */
export function at(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/**
 * Daily documents in mongoexport's relaxed Extended JSON: `_id` "asset:day",
 * `coin_id`, `timestamp: {"$date": ISO}` and `volume`/`latest_price` from
 * `value(asset, dayIndex)`. Frozen, so no store or service may mutate the input.
 */
export function dailyDocuments(
  assets: readonly string[],
  firstDay: string,
  days: number,
  value: (asset: string, day: number) => number = (_a, d) => 100 + (d % 5),
): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [];
  for (const asset of assets) {
    for (let d = 0; d < days; d++) {
      const iso = new Date(at(firstDay) + d * DAY_MS).toISOString();
      docs.push(
        Object.freeze({
          _id: `${asset}:${iso.slice(0, 10)}`,
          coin_id: asset,
          timestamp: Object.freeze({ $date: iso }),
          volume: value(asset, d),
          latest_price: 10 + (d % 3),
        }),
      );
    }
  }
  return docs;
}
