import * as z from 'zod/mini';
import { useEnglishIssueMessages } from '../config/zod-locale.ts';
import {
  ASSET_NAME,
  MAX_ASSETS,
  MAX_DEVIATION_LIMIT,
  MAX_LEGACY_ITEMS,
  MAX_TIMEFRAME_DAYS,
} from './request-limits.ts';

useEnglishIssueMessages();

/** Quotes a short excerpt of untrusted text for an error message. */
function excerpt(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

const assetName = z.string().check(
  z.regex(ASSET_NAME, {
    error: (issue) => `${excerpt(issue.input)} is not an asset name (${ASSET_NAME.source})`,
  }),
);

/**
 * Version 1 of the request message (SPEC section 3), structure and ranges only;
 * dates and metric names are checked by `parseRequest`.
 *
 * Timeframes are whole days: each becomes a field name (`anomalies.d7`), and a
 * fractional one (`d0.5`) would turn into a nested MongoDB path.
 *
 * `backfillFrom` (rolling mode only, an ISO instant before asOf, at most
 * `MAX_BACKFILL_DAYS` days earlier): judge every point from that instant
 * on again, although earlier runs judged them — the way documents that
 * arrived late (older than the last judged point) get judged.
 *
 * @example
 * requestV1Schema.parse({ version: 1, assets: ['bitcoin'], timeframes: [7] });
 */
export const requestV1Schema = z.strictObject({
  version: z.literal(1),
  assets: z.optional(z.array(assetName).check(z.minLength(1), z.maxLength(MAX_ASSETS))),
  asOf: z.optional(z.string().check(z.maxLength(64))),
  timeframes: z.optional(z.array(z.int().check(z.gte(1), z.lte(MAX_TIMEFRAME_DAYS))).check(z.minLength(1))),
  metrics: z.optional(z.array(z.string()).check(z.minLength(1))),
  deviationLimit: z.optional(z.number().check(z.gt(0), z.lte(MAX_DEVIATION_LIMIT))),
  mode: z.optional(z.enum(['window', 'rolling'])),
  backfillFrom: z.optional(z.string().check(z.maxLength(64))),
});

/** A version-1 request body, as a producer writes it. */
export type RequestV1 = z.input<typeof requestV1Schema>;

/**
 * The original Python producer's message: `[{"date": "27-12-2022"}]` (every
 * asset) or `[{"assetName": "bitcoin", "date": "27-12-2022"}, ...]`.
 * Dates are checked by `parseRequest`.
 *
 * @example
 * legacyRequestSchema.parse([{ assetName: 'bitcoin', date: '2022-12-27' }]);
 */
export const legacyRequestSchema = z
  .array(z.strictObject({ assetName: z.optional(assetName), date: z.string().check(z.maxLength(32)) }))
  .check(z.minLength(1), z.maxLength(MAX_LEGACY_ITEMS));

/** A legacy request body. */
export type LegacyRequest = z.input<typeof legacyRequestSchema>;
