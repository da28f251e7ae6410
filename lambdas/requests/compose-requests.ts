import type { Mode } from '../core/detector-options.ts';
import { MAX_ASSETS } from './request-limits.ts';
import type { RequestV1 } from './request-schema.ts';

/** The optional fields of a version-1 request, all passed through as given. */
export interface RequestFields {
  /** ISO-8601 instant; omitted = the consumer uses the message's SentTimestamp. */
  readonly asOf?: string;
  readonly timeframes?: readonly number[];
  readonly metrics?: readonly string[];
  readonly deviationLimit?: number;
  readonly mode?: Mode;
}

/**
 * Builds the version-1 requests that cover a list of assets: duplicates
 * dropped (first occurrence kept), split into messages of at most 1000 assets,
 * each carrying the same fields. `null` asks for every asset in one message.
 * The result is not validated: run each through `parseRequest`.
 *
 * @param assets - asset names, or `null` for every asset
 * @param fields - the request's other fields; `undefined` ones are left out
 * @returns one request per message, in asset order; none for an empty list
 *
 * Complexity: O(number of assets).
 *
 * @example
 * composeRequests(['bitcoin', 'ethereum'], { timeframes: [7] });
 * // [{ version: 1, assets: ['bitcoin', 'ethereum'], timeframes: [7] }]
 */
export function composeRequests(assets: readonly string[] | null, fields: RequestFields): RequestV1[] {
  const rest: Omit<RequestV1, 'version' | 'assets'> = {
    ...(fields.asOf === undefined ? {} : { asOf: fields.asOf }),
    ...(fields.timeframes === undefined ? {} : { timeframes: [...fields.timeframes] }),
    ...(fields.metrics === undefined ? {} : { metrics: [...fields.metrics] }),
    ...(fields.deviationLimit === undefined ? {} : { deviationLimit: fields.deviationLimit }),
    ...(fields.mode === undefined ? {} : { mode: fields.mode }),
  };
  if (assets === null) return [{ version: 1, ...rest }];
  const distinct = [...new Set(assets)];
  const requests: RequestV1[] = [];
  for (let i = 0; i < distinct.length; i += MAX_ASSETS) {
    requests.push({ version: 1, assets: distinct.slice(i, i + MAX_ASSETS), ...rest });
  }
  return requests;
}
