import type * as z from 'zod/mini';
import { DAY_MS, Mode } from '../core/detector-options.ts';
import { escapeControl, quoteInput } from '../core/quote-input.ts';
import { InvalidTimestampError, isIsoRepresentable, parseIsoTimestamp } from '../core/timestamp.ts';
import { ErrorCode, InvalidMessageError } from './invalid-message-error.ts';
import { parseLegacyDate } from './legacy-date.ts';
import { MAX_BACKFILL_DAYS, MAX_BODY_BYTES } from './request-limits.ts';
import {
  type LegacyRequest,
  legacyRequestSchema,
  type RequestV1,
  requestV1Schema,
} from './request-schema.ts';

/** One detection run a request asks for. */
export interface DetectionJob {
  /** Distinct asset names, sorted; `null` = every asset with data in the longest window. */
  readonly assets: readonly string[] | null;
  /** End of the windows (window mode) or of the history to judge (rolling mode), epoch ms. */
  readonly asOf: number;
  /** Distinct whole days in [1, 365], ascending. */
  readonly timeframes: readonly number[];
  /** Distinct configured metrics, in the configuration's order. */
  readonly metrics: readonly string[];
  /** Tukey's `k`, in (0, 100]. */
  readonly deviationLimit: number;
  /** `'window'` (the default) or `'rolling'`. */
  readonly mode: Mode;
  /** Rolling mode: judge again every point from this instant (epoch ms) on, although earlier runs judged them. */
  readonly backfillFrom?: number;
}

/** What a request is read against: the message's send time and the deployment's configuration. */
export interface RequestContext {
  /**
   * The message's `SentTimestamp` attribute (epoch ms): the default asOf, so that a retry computes the same.
   * Outside the years 0000..9999 (or NaN) it is a permanent `INVALID_DATE` when a request needs it.
   */
  readonly sentTimestamp: number;
  /** The configured metrics; a request may name only these. Also the default. */
  readonly metrics: readonly string[];
  readonly defaults: {
    readonly timeframes: readonly number[];
    readonly deviationLimit: number;
  };
}

/** How many zod issues a rejection message lists before "(+N more)". */
const LISTED_ISSUES = 3;

/**
 * Reads an SQS request body (SPEC section 3) into detection jobs.
 *
 * Accepts version 1 (`{"version": 1, ...}`, one job) and the original Python
 * producer's arrays: `[{"date": "27-12-2022"}]` asks for every asset and
 * `[{"assetName": "bitcoin", "date": "2022-12-27"}, ...]` for those assets; a
 * legacy date D means asOf = the start of D + 1 (UTC), and items are grouped
 * by date into one job per distinct date (ascending), an item without
 * `assetName` making that date's job cover every asset.
 *
 * Normalization, so that equal requests give equal jobs: duplicate assets,
 * timeframes and metrics are dropped, assets sorted, timeframes ascending,
 * metrics in the configuration's order. A version-1 `asOf` is an ISO-8601
 * instant (a date alone is that day's 00:00 UTC; no offset means UTC).
 * Without one, the send time must be a usable instant: a retry would read
 * the same bad attribute, so it is a permanent error, never a retried one.
 *
 * Untrusted input is bounded before it is walked: the size is checked before
 * `JSON.parse` (which is iterative in V8, so deep nesting cannot overflow the
 * stack), and the strict schemas never descend more than three levels.
 *
 * @param body - the raw message body
 * @param ctx - send time and configuration
 * @returns frozen jobs; at least one
 * @throws {@link InvalidMessageError} with a specific {@link ErrorCode} and a message naming the field
 *
 * Complexity: O(body length + a log a) for a assets.
 *
 * @example
 * parseRequest('{"version":1,"assets":["bitcoin"]}', {
 *   sentTimestamp: Date.parse('2022-05-12T06:00:00Z'),
 *   metrics: ['volume'],
 *   defaults: { timeframes: [3, 7, 30], deviationLimit: 1.5 },
 * });
 * // [{ assets: ['bitcoin'], asOf: 1652335200000, timeframes: [3, 7, 30], metrics: ['volume'], deviationLimit: 1.5, mode: 'window' }]
 */
export function parseRequest(body: string, ctx: RequestContext): DetectionJob[] {
  const value = parseJson(body);
  if (Array.isArray(value)) return legacyJobs(validate(legacyRequestSchema, value), ctx);
  if (value !== null && typeof value === 'object') {
    checkVersion(value);
    return [versionOneJob(validate(requestV1Schema, value), ctx)];
  }
  throw new InvalidMessageError(
    ErrorCode.SchemaViolation,
    `body: expected a version-1 object or a legacy array, got ${value === null ? 'null' : typeof value}`,
  );
}

function parseJson(body: string): unknown {
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    throw new InvalidMessageError(
      ErrorCode.BodyTooLarge,
      `body: ${bytes} bytes, more than ${MAX_BODY_BYTES}`,
    );
  }
  if (body.trim() === '') throw new InvalidMessageError(ErrorCode.InvalidJson, 'body: empty');
  try {
    return JSON.parse(body);
  } catch (e) {
    // SyntaxError, or RangeError should an engine ever parse recursively. The engine's message quotes the body.
    throw new InvalidMessageError(
      ErrorCode.InvalidJson,
      `body: not JSON (${escapeControl((e as Error).message)})`,
    );
  }
}

function checkVersion(value: object): void {
  if (!Object.hasOwn(value, 'version')) {
    throw new InvalidMessageError(ErrorCode.SchemaViolation, 'version: required (1)');
  }
  const version = (value as { version: unknown }).version;
  if (typeof version === 'number' && version !== 1) {
    throw new InvalidMessageError(
      ErrorCode.UnsupportedVersion,
      `version: ${version} is not supported (only 1)`,
    );
  }
}

function validate<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const listed = issues.slice(0, LISTED_ISSUES).map((i) => `${formatPath(i.path)}: ${i.message}`);
  if (issues.length > LISTED_ISSUES) listed.push(`(+${issues.length - LISTED_ISSUES} more)`);
  throw new InvalidMessageError(codeOf(issues[0]!), listed.join('; '));
}

/** The error code of a schema issue, from where it is: the field decides what kind of error it is. */
function codeOf(issue: z.core.$ZodIssue): ErrorCode {
  if (issue.code === 'too_big' && issue.origin === 'array') return ErrorCode.LimitExceeded;
  const [first, second] = issue.path;
  const field = issue.path.findLast((p) => typeof p === 'string');
  if (field === 'assetName' || (first === 'assets' && second !== undefined)) return ErrorCode.InvalidAsset;
  if (field === 'asOf' || field === 'date') return ErrorCode.InvalidDate;
  return ErrorCode.SchemaViolation;
}

/** `assets[3]`, `[12].date`, or `body` for the root. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function versionOneJob(request: RequestV1, ctx: RequestContext): DetectionJob {
  const asOf =
    request.asOf === undefined
      ? sentAsOf(ctx.sentTimestamp)
      : readDate('asOf', request.asOf, parseIsoTimestamp);
  const mode = request.mode ?? Mode.Window;
  return job({
    assets: request.assets === undefined ? null : distinctSorted(request.assets),
    asOf,
    timeframes:
      request.timeframes === undefined ? ctx.defaults.timeframes : distinctAscending(request.timeframes),
    metrics: request.metrics === undefined ? ctx.metrics : configuredMetrics(request.metrics, ctx.metrics),
    deviationLimit: request.deviationLimit ?? ctx.defaults.deviationLimit,
    mode,
    ...(request.backfillFrom === undefined
      ? {}
      : { backfillFrom: backfillFrom(request.backfillFrom, asOf, mode) }),
  });
}

function backfillFrom(text: string, asOf: number, mode: Mode): number {
  if (mode !== Mode.Rolling) {
    throw new InvalidMessageError(ErrorCode.SchemaViolation, 'backfillFrom: only with "mode": "rolling"');
  }
  const from = readDate('backfillFrom', text, parseIsoTimestamp);
  if (from >= asOf || from < asOf - MAX_BACKFILL_DAYS * DAY_MS) {
    throw new InvalidMessageError(
      ErrorCode.InvalidDate,
      `backfillFrom: ${quoteInput(text)} must be before asOf and at most ${MAX_BACKFILL_DAYS} days earlier`,
    );
  }
  return from;
}

function legacyJobs(items: LegacyRequest, ctx: RequestContext): DetectionJob[] {
  // Per asOf: the named assets, or null once an item asks for every asset.
  const byAsOf = new Map<number, Set<string> | null>();
  items.forEach((item, i) => {
    const asOf = readDate(`[${i}].date`, item.date, parseLegacyDate) + DAY_MS;
    // 9999-12-31 asks for an asOf of 10000-01-01, which no ISO text (a fanned-out request's asOf) can write.
    if (!isIsoRepresentable(asOf)) {
      throw new InvalidMessageError(
        ErrorCode.InvalidDate,
        `[${i}].date: ${quoteInput(item.date)} is the last day of 9999; its asOf, the next day, is past the year 9999`,
      );
    }
    const assets = byAsOf.has(asOf) ? byAsOf.get(asOf)! : new Set<string>();
    if (assets === null || item.assetName === undefined) byAsOf.set(asOf, null);
    else byAsOf.set(asOf, assets.add(item.assetName));
  });
  return [...byAsOf]
    .sort(([a], [b]) => a - b)
    .map(([asOf, assets]) =>
      job({
        assets: assets === null ? null : distinctSorted(assets),
        asOf,
        timeframes: ctx.defaults.timeframes,
        metrics: ctx.metrics,
        deviationLimit: ctx.defaults.deviationLimit,
        mode: Mode.Window,
      }),
    );
}

function sentAsOf(sentTimestamp: number): number {
  if (isIsoRepresentable(sentTimestamp)) return sentTimestamp;
  throw new InvalidMessageError(
    ErrorCode.InvalidDate,
    `SentTimestamp: ${sentTimestamp} is not epoch milliseconds in the years 0000..9999, and the body gives no asOf`,
  );
}

function readDate(field: string, text: string, parse: (text: string) => number): number {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof InvalidTimestampError) {
      throw new InvalidMessageError(ErrorCode.InvalidDate, `${field}: ${e.message}`);
    }
    throw e;
  }
}

function configuredMetrics(requested: readonly string[], configured: readonly string[]): string[] {
  const wanted = new Set(requested);
  requested.forEach((metric, i) => {
    if (!configured.includes(metric)) {
      throw new InvalidMessageError(
        ErrorCode.UnknownMetric,
        `metrics[${i}]: ${quoteInput(metric, 40)} is not a configured metric (${configured.join(', ')})`,
      );
    }
  });
  return configured.filter((m) => wanted.has(m));
}

function distinctSorted(names: Iterable<string>): string[] {
  // Code-unit order: locale-independent, so equal requests give equal jobs everywhere.
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function distinctAscending(days: readonly number[]): number[] {
  return [...new Set(days)].sort((a, b) => a - b);
}

function job(fields: DetectionJob): DetectionJob {
  return Object.freeze({
    ...fields,
    assets: fields.assets === null ? null : Object.freeze([...fields.assets]),
    timeframes: Object.freeze([...fields.timeframes]),
    metrics: Object.freeze([...fields.metrics]),
  });
}
