// The field scanner's shaped-line loop in WebAssembly (AssemblyScript, built into
// dist/wasm/field-scan.wasm by tools/build-wasm.mjs). It reads only the lines that have the shape
// the JavaScript scanner learnt (lambdas/loaders/field-scanner.ts) and whose values it can read
// exactly; it stops at the first other line, which the JavaScript scanner then reads. Whatever
// it accepts gives exactly what the JavaScript scanner gives (test/wasm/field-scan-kernel.test.ts).
//
// Memory (imported, sized once by the caller; offsets exported for lambdas/wasm/field-scan-kernel.ts):
// the shape, the asset table and names, the records written for the caller, then the chunk
// buffer the caller reads the file into.

/** The shape: per literal run i32 offset and i32 length (at RUNS_AT), per value i32 slot (at SHAPE_SLOTS_AT). */
export const RUNS_AT: u32 = 0x1_0000;
export const SHAPE_SLOTS_AT: u32 = 0x1_0400;
/** The literal runs' bytes. */
export const LITERALS_AT: u32 = 0x1_0800;
export const LITERALS_CAPACITY: u32 = 0xf800;
/** Open addressing over the asset names' hashes: per slot, i32 id + 1 (0: free) and i32 hash. */
const TABLE_AT: u32 = 0x2_0000;
const TABLE_SLOTS: u32 = 0x1_0000;
/** Per asset id: i32 offset and i32 length of its name in the name bytes. */
export const NAMES_AT: u32 = 0xa_0000;
const MAX_ASSETS: u32 = TABLE_SLOTS / 2;
export const NAME_BYTES_AT: u32 = 0xe_0000;
const NAME_BYTES_CAPACITY: u32 = 0x10_0000;
/** The last time text read (consecutive lines often share it). */
const TIME_TEXT_AT: u32 = 0x1e_0000;
/** Records: per line f64 asset id, f64 time, then the metrics' values. */
export const RECORDS_AT: u32 = 0x1e_1000;
const RECORDS_BYTES: u32 = 0x10_0000;
/** The chunk buffer: the caller sizes the memory for its buffer from here, and 64 bytes more. */
export const BUFFER_AT: u32 = 0x2f_0000;

const SLOT_TIME_TEXT: i32 = -2;
const SLOT_SKIP: i32 = -1;
const SLOT_ASSET: i32 = 0;
const FIRST_METRIC: i32 = 2;
/** Nesting deeper than this inside a skipped value is left to the JavaScript scanner. */
const MAX_DEPTH: i32 = 32;

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const MINUS: u32 = 0x2d;
const DOT: u32 = 0x2e;
const NEWLINE: u32 = 0x0a;

/** Records written by the last {@link scan}. */
export let records: i32 = 0;
/** Asset names interned so far (ids 0 to assets - 1). */
export let assets: i32 = 0;

let values: i32 = 0;
let complete: bool = false;
let metrics: i32 = 0;
let recordBytes: u32 = 16;
let capacity: i32 = 0;
let nameBytes: u32 = 0;
let timeTextLength: u32 = 0;
let lastTime: f64 = 0;

/** Starts afresh for `count` metrics: no shape, no assets, no time text. */
export function reset(count: i32): void {
  metrics = count;
  recordBytes = <u32>(count + 2) * 8;
  capacity = <i32>(RECORDS_BYTES / recordBytes);
  values = 0;
  assets = 0;
  nameBytes = 0;
  timeTextLength = 0;
  memory.fill(TABLE_AT, 0, TABLE_SLOTS * 8);
}

/**
 * Takes the shape the caller wrote at RUNS_AT, SHAPE_SLOTS_AT and LITERALS_AT (`count` values);
 * `full`: every configured field is in it. Lines are read only while a shape is set.
 */
export function setShape(count: i32, full: bool): void {
  values = count;
  complete = full;
}

/**
 * Reads the lines of `[start, stop)` (offsets in the buffer; `limit`, a newline, ends the last) up
 * to the first it cannot read exactly or as many as the records hold.
 *
 * @returns the offset after the last line read; {@link records} says how many were
 */
export function scan(start: u32, stop: u32, limit: u32): u32 {
  let s = BUFFER_AT + start;
  const end = BUFFER_AT + stop;
  const lim = BUFFER_AT + limit;
  let n = 0;
  let record = RECORDS_AT;
  if (values > 0) {
    while (s < end && n < capacity) {
      const next = readLine(s, lim, record);
      if (next === 0) break;
      s = next;
      n++;
      record += recordBytes;
    }
  }
  records = n;
  return s - BUFFER_AT;
}

/** One line at `p`: the position after its newline, or 0 when the JavaScript scanner must read it. */
function readLine(p: u32, lim: u32, record: u32): u32 {
  if (!complete) {
    for (let i = 0; i < metrics; i++) store<f64>(record + 16 + ((<u32>i) << 3), NaN);
  }
  for (let k = 0; k < values; k++) {
    p = literal(k, p, lim);
    if (p === 0) return 0;
    const slot = load<i32>(SHAPE_SLOTS_AT + ((<u32>k) << 2));
    if (slot >= FIRST_METRIC) p = metric(p, record + 16 + ((<u32>(slot - FIRST_METRIC)) << 3));
    else if (slot === SLOT_TIME_TEXT) p = timeText(p, record);
    else if (slot === SLOT_SKIP) p = skipValue(p, 1);
    else if (slot === SLOT_ASSET) p = asset(p, record);
    else return 0;
    if (p === 0) return 0;
  }
  p = literal(values, p, lim);
  if (p === 0 || <u32>load<u8>(p) !== NEWLINE) return 0;
  return p + 1;
}

/** Literal run `k` at `p`: the position after it, or 0 when the bytes differ or reach past `lim`. */
function literal(k: i32, p: u32, lim: u32): u32 {
  const at = RUNS_AT + ((<u32>k) << 3);
  const length = load<u32>(at, 4);
  const end = p + length;
  if (end > lim) return 0;
  let q = LITERALS_AT + load<u32>(at);
  if (length >= 8) {
    const last = end - 8;
    for (; p < last; p += 8, q += 8) if (load<u64>(p) !== load<u64>(q)) return 0;
    return load<u64>(last) === load<u64>(q - p + last) ? end : 0;
  }
  // Fewer than 8 bytes: the word beyond them may be anything (the memory has room after the buffer).
  const mask: u64 = ((<u64>1) << ((<u64>length) << 3)) - 1;
  return ((load<u64>(p) ^ load<u64>(q)) & mask) === 0 ? end : 0;
}

/** A metric: a number's value, NaN for a string or literal, 0 (not read here) for anything else. */
function metric(p: u32, out: u32): u32 {
  const c = <u32>load<u8>(p);
  if (c === MINUS || c - 0x30 < 10) return number(p, out);
  store<f64>(out, NaN);
  if (c === QUOTE) return plainString(p);
  return keyword(p, c);
}

/**
 * A skipped value (the `_id`, fields not configured): a JSON value whose strings have no escapes,
 * nested at most 32 deep; 0 for anything else.
 */
function skipValue(p: u32, depth: i32): u32 {
  const c = <u32>load<u8>(p);
  if (c === QUOTE) return plainString(p);
  if (c === MINUS || c - 0x30 < 10) return numberEnd(p);
  if (c !== 0x7b && c !== 0x5b) return keyword(p, c);
  if (depth > MAX_DEPTH) return 0;
  const close = c + 2; // } after {, ] after [
  let q = space(p + 1);
  if (<u32>load<u8>(q) === close) return q + 1;
  let d: u32;
  do {
    if (c === 0x7b) {
      if (<u32>load<u8>(q) !== QUOTE) return 0;
      q = plainString(q);
      if (q === 0) return 0;
      q = space(q);
      if (<u32>load<u8>(q) !== 0x3a) return 0;
      q = space(q + 1);
    }
    q = skipValue(q, depth + 1);
    if (q === 0) return 0;
    q = space(q);
    d = <u32>load<u8>(q);
    if (d === 0x2c) q = space(q + 1);
  } while (d === 0x2c);
  return d === close ? q + 1 : 0;
}

/** JSON white space other than the newline that ends the line. */
function space(p: u32): u32 {
  let c = <u32>load<u8>(p);
  while (c === 0x20 || c === 0x09 || c === 0x0d) c = <u32>load<u8>(++p);
  return p;
}

/** The end of a JSON number at `p` (exponent allowed), or 0 when it is not one. */
function numberEnd(p: u32): u32 {
  let q = <u32>load<u8>(p) === MINUS ? p + 1 : p;
  let c = <u32>load<u8>(q);
  if (c === 0x30) c = <u32>load<u8>(++q);
  else if (c - 0x31 < 9) {
    do c = <u32>load<u8>(++q);
    while (c - 0x30 < 10);
  } else return 0;
  if (c === DOT) {
    c = <u32>load<u8>(++q);
    if (c - 0x30 >= 10) return 0;
    do c = <u32>load<u8>(++q);
    while (c - 0x30 < 10);
  }
  if ((c | 0x20) === 0x65) {
    c = <u32>load<u8>(++q);
    if (c === MINUS || c === 0x2b) c = <u32>load<u8>(++q);
    if (c - 0x30 >= 10) return 0;
    do c = <u32>load<u8>(++q);
    while (c - 0x30 < 10);
  }
  return q;
}

/** `true`, `false` or `null` at `p` (first byte `c`). */
function keyword(p: u32, c: u32): u32 {
  if (c === 0x74) return load<u32>(p) === 0x65757274 ? p + 4 : 0; // true
  if (c === 0x6e) return load<u32>(p) === 0x6c6c756e ? p + 4 : 0; // null
  if (c === 0x66) return load<u32>(p + 1) === 0x65736c61 ? p + 5 : 0; // false
  return 0;
}

/** A string at `p` with no escape and no control character: the position after it, else 0. */
function plainString(p: u32): u32 {
  let q = p + 1;
  let c = <u32>load<u8>(q);
  while (c !== QUOTE) {
    if (c === BACKSLASH || c < 0x20) return 0;
    c = <u32>load<u8>(++q);
  }
  return q + 1;
}

/** The asset: a non-empty printable-ASCII string without escapes, interned; its id goes to the record. */
function asset(p: u32, record: u32): u32 {
  if (<u32>load<u8>(p) !== QUOTE) return 0;
  const start = p + 1;
  let q = start;
  let hash: u32 = 0x811c9dc5;
  for (;;) {
    const c = <u32>load<u8>(q);
    if (c === QUOTE) break;
    if (c === BACKSLASH || c - 0x20 > 0x5e) return 0;
    hash = (hash ^ c) * 0x01000193;
    q++;
  }
  if (q === start) return 0;
  const id = intern(start, q - start, hash);
  if (id < 0) return 0;
  store<f64>(record, <f64>id);
  return q + 1;
}

/** The id of the name at `start`, added if new; -1 when the table or the name bytes are full. */
function intern(start: u32, length: u32, hash: u32): i32 {
  hash ^= hash >> 16;
  hash *= 0x85ebca6b;
  hash ^= hash >> 13;
  const mask = TABLE_SLOTS - 1;
  let i = hash & mask;
  for (;;) {
    const at = TABLE_AT + (i << 3);
    const entry = load<i32>(at);
    if (entry === 0) break;
    if (load<u32>(at, 4) === hash) {
      const name = NAMES_AT + ((<u32>(entry - 1)) << 3);
      if (
        load<u32>(name, 4) === length &&
        memory.compare(start, NAME_BYTES_AT + load<u32>(name), length) === 0
      ) {
        return entry - 1;
      }
    }
    i = (i + 1) & mask;
  }
  if (<u32>assets >= MAX_ASSETS || nameBytes + length > NAME_BYTES_CAPACITY) return -1;
  const id = assets++;
  memory.copy(NAME_BYTES_AT + nameBytes, start, length);
  store<u32>(NAMES_AT + ((<u32>id) << 3), nameBytes);
  store<u32>(NAMES_AT + ((<u32>id) << 3), length, 4);
  nameBytes += length;
  store<i32>(TABLE_AT + (i << 3), id + 1);
  store<u32>(TABLE_AT + (i << 3), hash, 4);
  return id;
}

/**
 * An ISO time text at `p` (after its opening quote, which the shape holds): the position of its
 * closing quote. Read here only as `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.sssZ` with a
 * year from 100 on, as `parseIsoTimestamp`'s own fast path reads it; any other text is left to
 * the JavaScript scanner.
 */
function timeText(p: u32, record: u32): u32 {
  let q = p;
  for (;;) {
    const c = <u32>load<u8>(q);
    if (c === QUOTE) break;
    if (c === BACKSLASH || c - 0x20 > 0x5e) return 0;
    q++;
  }
  const length = q - p;
  if (length !== timeTextLength || memory.compare(p, TIME_TEXT_AT, length) !== 0) {
    const t = canonicalUtcMillis(p, length);
    if (t === NOT_CANONICAL) return 0;
    memory.copy(TIME_TEXT_AT, p, length);
    timeTextLength = length;
    lastTime = <f64>t;
  }
  store<f64>(record, lastTime, 8);
  return q;
}

const NOT_CANONICAL: i64 = i64.MIN_VALUE;

/** Epoch milliseconds of the canonical text at `p`, or {@link NOT_CANONICAL}. */
function canonicalUtcMillis(p: u32, length: u32): i64 {
  if (length !== 20 && length !== 24) return NOT_CANONICAL;
  if (
    load<u8>(p + 4) !== 0x2d ||
    load<u8>(p + 7) !== 0x2d ||
    load<u8>(p + 10) !== 0x54 ||
    load<u8>(p + 13) !== 0x3a ||
    load<u8>(p + 16) !== 0x3a ||
    load<u8>(p + length - 1) !== 0x5a ||
    (length === 24 && load<u8>(p + 19) !== DOT)
  ) {
    return NOT_CANONICAL;
  }
  const year = digits(p, 4);
  const month = digits(p + 5, 2);
  const day = digits(p + 8, 2);
  const hour = digits(p + 11, 2);
  const minute = digits(p + 14, 2);
  const second = digits(p + 17, 2);
  const ms = length === 24 ? digits(p + 20, 3) : 0;
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return NOT_CANONICAL;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return NOT_CANONICAL;
  }
  const seconds = daysFromCivil(year, month, day) * 86400 + <i64>(hour * 3600 + minute * 60 + second);
  return seconds * 1000 + <i64>ms;
}

/** The number written by `count` ASCII digits at `p`, or -1 when one is not a digit. */
function digits(p: u32, count: u32): i32 {
  let value = 0;
  for (let i: u32 = 0; i < count; i++) {
    const d = <u32>load<u8>(p + i) - 0x30;
    if (d > 9) return -1;
    value = value * 10 + <i32>d;
  }
  return value;
}

function daysInMonth(year: i32, month: i32): i32 {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`). */
function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  const y = month <= 2 ? year - 1 : year;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yearOfEra = y - era * 400;
  const dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return <i64>era * 146097 + <i64>dayOfEra - 719468;
}

const POW10: StaticArray<f64> = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
const MAX_EXACT_POWER: i32 = 22;
const TWO_53: u64 = 1 << 53;
const MAX_DIGITS: i32 = 19;
const SPLITTER: f64 = 134217729;
/** As in lambdas/loaders/decimal-double.ts: the quotient's error is below 2^-103 of it; 2^-100 leaves a factor of 8. */
const MARGIN: f64 = 7.888609052210118e-31;

/**
 * A JSON number at `p` without an exponent, of at most 19 digits and 22 decimals, written to `out`
 * correctly rounded as `JSON.parse` reads it; 0 for any other number (the JavaScript scanner reads
 * it, with `Number()` where it must).
 */
function number(p: u32, out: u32): u32 {
  const negative = <u32>load<u8>(p) === MINUS;
  let q = negative ? p + 1 : p;
  let m: u64 = 0;
  let count = 0;
  let decimals = 0;
  let c = <u32>load<u8>(q);
  if (c === 0x30) c = <u32>load<u8>(++q);
  else if (c - 0x31 < 9) {
    do {
      m = m * 10 + <u64>(c - 0x30);
      count++;
      c = <u32>load<u8>(++q);
    } while (c - 0x30 < 10);
  } else return 0;
  if (c === DOT) {
    c = <u32>load<u8>(++q);
    if (c - 0x30 >= 10) return 0;
    do {
      m = m * 10 + <u64>(c - 0x30);
      // Leading zeros of a fraction add nothing to the mantissa.
      count += <i32>(m !== 0);
      decimals++;
      c = <u32>load<u8>(++q);
    } while (c - 0x30 < 10);
  }
  if ((c | 0x20) === 0x65 || count > MAX_DIGITS || decimals > MAX_EXACT_POWER) return 0;
  let v: f64;
  // Clinger's fast path: an exact integer and an exact power of ten, one rounding.
  if (m < TWO_53) v = <f64>m / POW10[decimals];
  else {
    v = quotient(m, decimals);
    if (v < 0) return 0;
  }
  store<f64>(out, negative ? -v : v);
  return q;
}

/**
 * `m / 10^k` correctly rounded for 2^53 <= m < 10^19, in double-double arithmetic as
 * `decimalQuotient` computes it; -1 when too close to a midpoint to call, or a power of two.
 */
function quotient(m: u64, k: i32): f64 {
  const nh = <f64>m;
  const nl = <f64>(<i64>(m - <u64>nh));
  if (k === 0) return nh;
  const divisor = POW10[k];
  const q1 = nh / divisor;
  const ph = q1 * divisor;
  const pl = twoProductError(q1, divisor, ph);
  const q2 = (nh - ph - pl + nl) / divisor;
  const z = q1 + q2;
  const w = q2 - (z - q1);
  const bits = reinterpret<u64>(z);
  if ((bits & 0xf_ffff_ffff_ffff) === 0) return -1;
  const ulp = reinterpret<f64>((((bits >> 52) & 0x7ff) - 52) << 52);
  return Math.abs(w) < ulp / 2 - MARGIN * z ? z : -1;
}

/** The rounding error of `product = a * b`, exactly (Dekker's product, no fused multiply-add). */
function twoProductError(a: f64, b: f64, product: f64): f64 {
  const c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  const d = SPLITTER * b;
  const bh = d - (d - b);
  const bl = b - bh;
  return ah * bh - product + ah * bl + al * bh + al * bl;
}
