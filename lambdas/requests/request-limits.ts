// The limits of a request, apart from its schema: the CLI's option tables and help quote them
// without loading the schema library.

/**
 * Largest body accepted, in UTF-8 bytes: SQS's classic 256 KiB message size.
 * The largest valid request (1000 assets of 128 characters) is about half of it.
 */
export const MAX_BODY_BYTES = 262_144;

/** Most assets one version-1 request may name (SPEC section 8). */
export const MAX_ASSETS = 1000;

/** Most items one legacy (Python producer) request may hold. */
export const MAX_LEGACY_ITEMS = 500;

/**
 * What an asset name may look like. Besides rejecting garbage, it keeps query
 * operators (`$gt`, `$where`) and dotted-path tricks out of MongoDB filters.
 */
export const ASSET_NAME = /^[A-Za-z0-9._:-]{1,128}$/;

/** Longest timeframe, in days. */
export const MAX_TIMEFRAME_DAYS = 365;

/** Furthest back a backfill may reach before asOf, in days (one read per asset holds at most this much history). */
export const MAX_BACKFILL_DAYS = 366;

/** Largest deviation limit `k`. */
export const MAX_DEVIATION_LIMIT = 100;
