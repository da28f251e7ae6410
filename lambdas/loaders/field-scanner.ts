import { MAX_EXACT_POWER, POW10 } from '../core/binary64.ts';
import type { FieldMapping } from '../core/document-reader.ts';
import { isNumericTime, parseIsoTimestamp } from '../core/timestamp.ts';
import { decimalQuotient } from './decimal-double.ts';
import { LineShape, MAX_SHAPE_VALUES } from './line-shape.ts';

/** What {@link FieldScanner.scan} made of one NDJSON line. */
export const LineVerdict = {
  /** A document with a usable asset and time: read {@link FieldScanner.asset}, `time` and `values`. */
  Observation: 0,
  /** Only whitespace: skipped, as the exact path skips it. */
  Blank: 1,
  /** Anything else: the exact path (`JSON.parse` and the document reader) must read this line. */
  Unusual: 2,
} as const;
/** `0` observation, `1` blank, `2` unusual. */
export type LineVerdict = (typeof LineVerdict)[keyof typeof LineVerdict];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Nesting deeper than this inside a skipped value is left to the exact path (and its own limits). */
const MAX_DEPTH = 32;
const TWO_53 = 2 ** 53;
/** 10^0 … 10^4 as 32-bit integers, for the mantissa's low word. */
const SMALL_POW10 = Int32Array.of(1, 10, 100, 1000, 10_000);
const DATE_KEY = Uint8Array.from('$date', (c) => c.charCodeAt(0));
const SLOT_ASSET = 0;
const SLOT_TIME = 1;
/** A shape's value that is only the text of an ISO time: its quotes (and `{"$date": }`) are literal runs. */
const SLOT_TIME_TEXT = -2;
const MAX_FIELDS = 30;
const PLAIN_FIELD = /^[\x20-\x7e]+$/;

/**
 * Whether the fast scanner can read a field mapping exactly: every path a
 * plain printable-ASCII top-level key (no dots, quotes or backslashes), all
 * distinct, at most 30 of them. Other mappings use the exact path only.
 *
 * @example
 * canScanFields({ assetField: 'coin_id', timeField: 'timestamp', metrics: ['volume'] }); // true
 * canScanFields({ assetField: 'coin_id', timeField: 'timestamp', metrics: ['m.volume'] }); // false
 */
export function canScanFields(mapping: FieldMapping): boolean {
  const paths = [mapping.assetField, mapping.timeField, ...mapping.metrics];
  return (
    paths.length <= MAX_FIELDS &&
    new Set(paths).size === paths.length &&
    paths.every((p) => PLAIN_FIELD.test(p) && !p.includes('.') && !p.includes('"') && !p.includes('\\'))
  );
}

/**
 * Reads the configured fields of one NDJSON line straight from its bytes: the
 * asset name (interned, so repeated names cost no string), the time and every
 * metric value into a reused `Float64Array`, without building the document.
 *
 * It accepts a line only when the result is certain to equal what
 * `JSON.parse` plus the document reader would give: the whole line is checked
 * to be valid JSON (skipped values included), and anything that reader treats
 * specially is declared {@link LineVerdict.Unusual} and left to the exact path —
 * Extended JSON values other than `{"$date": ISO}`, escapes in keys and in the
 * asset or time, non-ASCII outside skipped strings, duplicate configured keys,
 * deep nesting, a missing or unusable asset or time. Numbers use Clinger's
 * exact fast path (at most 2^53 for the digits, a power of ten up to 22) and
 * `Number()` on the literal otherwise, both correctly rounded as `JSON.parse` is.
 *
 * Complexity: O(line length); no allocation per line except on first sight
 * of an asset name or of a time text.
 *
 * @example
 * const s = new FieldScanner({ assetField: 'coin_id', timeField: 'timestamp', metrics: ['volume'] });
 * const line = '{"coin_id":"btc","timestamp":{"$date":"2024-01-01T00:00:00Z"},"volume":5}';
 * const bytes = Buffer.from(`${line}\n`, 'latin1');
 * s.scan(bytes, 0, line.length); // LineVerdict.Observation
 * [s.assetName(), s.time, s.values[0]]; // ['btc', 1704067200000, 5]
 */
export class FieldScanner {
  /** Metric values of the last observation, in mapping order; NaN where missing or not a number. */
  readonly values: Float64Array;
  /** Epoch milliseconds of the last observation. */
  time = 0;
  /** Position after the line's terminating newline, once a line was accepted or found blank. */
  next = 0;
  /** Interned index of the last observation's asset (see {@link assetName}). */
  asset = 0;
  /** Lines accepted by the shape of an earlier line (the rest were read key by key). */
  shapedLines = 0;
  /**
   * Told every shape learnt: its literal runs, the slot of each value (-2 time text, -1 skipped,
   * 0 asset, 1 number time, 2 + m metric m) and whether every configured field is in it. For a
   * reader of shaped lines of its own (the WebAssembly kernel of `scanNdjson`).
   */
  onShape: ((shape: LineShape | null, slots: Int32Array, complete: boolean) => void) | null = null;

  readonly #fields: readonly Uint8Array[];
  readonly #names: string[] = [];
  readonly #nameBytes: Uint8Array[] = [];
  /** Interned index + 1 per slot (0 = free), and the hash of the name in that slot. */
  #table = new Int32Array(1024);
  #hashes = new Int32Array(1024);
  /** The key at each position of the last line that had a new key there, and the slot it matched (-1: none). */
  readonly #keys: Uint8Array[] = [];
  readonly #slots: number[] = [];
  /** The last ISO time text read, as a one-run shape (consecutive lines often share it), and its time. */
  #lastTimeText: LineShape | null = null;
  #lastTime = 0;
  /** Where the text of the last ISO time read lies, and whether the last time read was such a text. */
  #textStart = 0;
  #textEnd = 0;
  #timeIsText = false;
  // Set by #number: the digits as an integer (exact below 2^53; see decimalQuotient beyond), that
  // integer modulo 2^32 and the power of ten to apply.
  #mantissa = 0;
  #low = 0;
  #exponent = 0;
  /** The shape of the last line read key by key, and the slot of each of its values (-1: skipped). */
  #shape: LineShape | null = null;
  #shapeSlots = new Int32Array(0);
  /** Whether the shape has every configured field, so that no metric is left missing (NaN). */
  #shapeComplete = false;
  /** Where each value of the line being read key by key starts and ends, and its slot. */
  readonly #valueStarts = new Int32Array(MAX_SHAPE_VALUES + 1);
  readonly #valueEnds = new Int32Array(MAX_SHAPE_VALUES + 1);
  readonly #valueSlots = new Int32Array(MAX_SHAPE_VALUES + 1);
  /** A view of the bytes last scanned, for reading them several at a time. */
  #bytes: Uint8Array | null = null;
  #view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** Doubles to and from {@link decimalQuotient}, and a number time on its way to {@link time}. */
  readonly #io = new Float64Array(2);

  /** @param mapping - a mapping {@link canScanFields} accepts */
  constructor(mapping: FieldMapping) {
    this.#fields = [mapping.assetField, mapping.timeField, ...mapping.metrics].map((f) =>
      Uint8Array.from(f, (c) => c.charCodeAt(0)),
    );
    this.values = new Float64Array(mapping.metrics.length);
  }

  /** The name of interned asset `index` (see {@link asset}). */
  assetName(index = this.asset): string {
    return this.#names[index]!;
  }

  /** How many distinct asset names were seen. */
  get assetCount(): number {
    return this.#names.length;
  }

  /**
   * Scans the line starting at `start`, up to the next newline.
   *
   * @param b - the bytes
   * @param start - the line's first byte
   * @param limit - the position of a newline (a sentinel after an unterminated last line) that no
   *   line reaches past: nothing at or after it is read as part of this line
   * @returns the verdict; for `Observation` and `Blank`, {@link next} is where the next line starts
   */
  scan(b: Uint8Array, start: number, limit: number): LineVerdict {
    if (b !== this.#bytes) {
      this.#bytes = b;
      this.#view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    if (this.#shape !== null && this.#scanShaped(b, start, limit, this.#shape))
      return LineVerdict.Observation;
    return this.#scanKeys(b, start, limit);
  }

  /**
   * A line with the shape of the last line read key by key: its literal runs
   * compared eight bytes at a time, its values read and validated as
   * {@link #scanKeys} reads them. `false` as soon as anything differs: the
   * line is then read key by key, which decides its verdict.
   */
  #scanShaped(b: Uint8Array, start: number, limit: number, shape: LineShape): boolean {
    const view = this.#view;
    const slots = this.#shapeSlots;
    if (!this.#shapeComplete) this.values.fill(Number.NaN);
    let p = start;
    for (let k = 0; k < shape.values; k++) {
      p = shape.literal(view, b, p, limit, k);
      if (p < 0) return false;
      const slot = slots[k]!;
      if (slot > SLOT_TIME) p = this.#metric(b, p, limit, slot - 2);
      else if (slot === SLOT_TIME_TEXT) p = this.#isoTime(b, p - 1, limit) - 1;
      else if (slot < 0) p = this.#skipValue(b, p, limit, 1);
      else if (slot === SLOT_ASSET) p = this.#asset(b, p, limit);
      else p = this.#time(b, p, limit);
      if (p < 0) return false;
    }
    p = shape.literal(view, b, p, limit, shape.values);
    if (p < 0 || b[p] !== NEWLINE) return false;
    this.next = p + 1;
    this.shapedLines++;
    return true;
  }

  /** A line read key by key; an accepted line's shape is kept for the lines after it. */
  #scanKeys(b: Uint8Array, start: number, limit: number): LineVerdict {
    let p = skipSpace(b, start, limit);
    if (b[p] === NEWLINE) {
      this.next = p + 1;
      return LineVerdict.Blank;
    }
    if (b[p] !== OPEN_BRACE) return LineVerdict.Unusual;
    this.values.fill(Number.NaN);
    const fields = this.#fields;
    const keys = this.#keys;
    const slots = this.#slots;
    let seen = 0;
    let ordinal = 0;
    p = skipSpace(b, p + 1, limit);
    if (b[p] === CLOSE_BRACE) return LineVerdict.Unusual;
    for (;;) {
      if (p >= limit || b[p] !== QUOTE) return LineVerdict.Unusual;
      const keyStart = p + 1;
      // Documents repeat their key order: a key equal to the one at this position of the previous
      // line (already validated then) needs one comparison, and its slot is known.
      const known = keys[ordinal];
      let slot: number;
      let keyEnd = keyStart + (known?.length ?? 0);
      if (known !== undefined && b[keyEnd] === QUOTE && sameBytes(b, keyStart, keyEnd, known)) {
        slot = slots[ordinal]!;
      } else {
        let q = keyStart;
        for (; q < limit; q++) {
          const c = b[q]!;
          if (c === QUOTE) break;
          if (c === BACKSLASH || c < 0x20) return LineVerdict.Unusual;
        }
        if (q >= limit) return LineVerdict.Unusual;
        keyEnd = q;
        slot = -1;
        for (let f = 0; f < fields.length; f++) {
          if (sameBytes(b, keyStart, keyEnd, fields[f]!)) {
            slot = f;
            break;
          }
        }
        keys[ordinal] = Uint8Array.prototype.slice.call(b, keyStart, keyEnd);
        slots[ordinal] = slot;
      }
      p = skipSpace(b, keyEnd + 1, limit);
      if (b[p] !== COLON) return LineVerdict.Unusual;
      p = skipSpace(b, p + 1, limit);
      const valueStart = p;
      if (slot < 0) p = this.#skipValue(b, p, limit, 1);
      else {
        const bit = 1 << slot;
        if ((seen & bit) !== 0) return LineVerdict.Unusual;
        seen |= bit;
        if (slot === SLOT_ASSET) p = this.#asset(b, p, limit);
        else if (slot === SLOT_TIME) p = this.#time(b, p, limit);
        else p = this.#metric(b, p, limit, slot - 2);
      }
      if (p < 0) return LineVerdict.Unusual;
      if (ordinal < MAX_SHAPE_VALUES) {
        const text = slot === SLOT_TIME && this.#timeIsText;
        this.#valueStarts[ordinal] = text ? this.#textStart : valueStart;
        this.#valueEnds[ordinal] = text ? this.#textEnd : p;
        this.#valueSlots[ordinal] = text ? SLOT_TIME_TEXT : slot;
      }
      ordinal++;
      p = skipSpace(b, p, limit);
      const c = b[p];
      if (c === COMMA) p = skipSpace(b, p + 1, limit);
      else if (c === CLOSE_BRACE) break;
      else return LineVerdict.Unusual;
    }
    p = skipSpace(b, p + 1, limit);
    if (b[p] !== NEWLINE || (seen & 3) !== 3) return LineVerdict.Unusual;
    this.next = p + 1;
    this.#shape = LineShape.learn(this.#view, b, start, this.#valueStarts, this.#valueEnds, ordinal, p);
    this.#shapeSlots = this.#valueSlots.slice(0, Math.min(ordinal, MAX_SHAPE_VALUES));
    this.#shapeComplete = seen === (1 << fields.length) - 1;
    this.onShape?.(this.#shape, this.#shapeSlots, this.#shapeComplete);
    return LineVerdict.Observation;
  }

  /** The asset: a non-empty ASCII string without escapes, interned by its bytes. */
  #asset(b: Uint8Array, p: number, limit: number): number {
    if (b[p] !== QUOTE) return -1;
    const start = p + 1;
    const view = this.#view;
    let hash = 0x811c9dc5;
    let q = start;
    // Four bytes at a time while none is a quote, a backslash, a control character or above 0x7e.
    for (; q + 4 <= limit; q += 4) {
      const w = view.getInt32(q, true);
      if (((specialBytes(w) | w | (w + 0x01010101)) & 0x80808080) !== 0) break;
      hash = Math.imul(hash ^ w, 0x01000193);
    }
    for (; q < limit; q++) {
      const c = b[q]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20 || c > 0x7e) return -1;
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    if (q >= limit || q === start) return -1;
    // FNV-1a's multiplications carry differences only upwards: mix them into the low bits the table uses.
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    // 30 bits stay small integers in V8; a full 32-bit hash would be boxed on every call.
    this.asset = this.#intern(b, start, q, hash & 0x3fffffff);
    return q + 1;
  }

  /** Open addressing on the bytes' hash: a `Map` would box most 32-bit hashes as heap numbers. */
  #intern(b: Uint8Array, start: number, end: number, hash: number): number {
    let mask = this.#table.length - 1;
    let i = hash & mask;
    for (let entry = this.#table[i]!; entry !== 0; entry = this.#table[i]!) {
      if (this.#hashes[i] === hash && sameBytes(b, start, end, this.#nameBytes[entry - 1]!)) return entry - 1;
      i = (i + 1) & mask;
    }
    const index = this.#names.length;
    // A copy: `Buffer#slice` would return a view of bytes the next chunk overwrites.
    const bytes = Uint8Array.prototype.slice.call(b, start, end);
    this.#nameBytes.push(bytes);
    this.#names.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'));
    if (2 * this.#names.length > this.#table.length) {
      this.#rehash();
      mask = this.#table.length - 1;
      i = hash & mask;
      while (this.#table[i] !== 0) i = (i + 1) & mask;
    }
    this.#table[i] = index + 1;
    this.#hashes[i] = hash;
    // Found again by the loop above, whose comparison path then runs from the first name on: the
    // JIT has seen it before it optimises this (else the first repeated name deoptimised the scan).
    return this.#intern(b, start, end, hash);
  }

  #rehash(): void {
    const table = new Int32Array(this.#table.length * 2);
    const hashes = new Int32Array(table.length);
    const mask = table.length - 1;
    for (let k = 0; k < this.#table.length; k++) {
      const entry = this.#table[k]!;
      if (entry === 0) continue;
      let i = this.#hashes[k]! & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = entry;
      hashes[i] = this.#hashes[k]!;
    }
    this.#table = table;
    this.#hashes = hashes;
  }

  /** The time: an ISO string, `{"$date": ISO}` (its only key) or a finite number of epoch milliseconds. */
  #time(b: Uint8Array, p: number, limit: number): number {
    const c = b[p];
    this.#timeIsText = c === QUOTE || c === OPEN_BRACE;
    if (c === QUOTE) return this.#isoTime(b, p, limit);
    if (c === OPEN_BRACE) {
      let q = skipSpace(b, p + 1, limit);
      if (b[q] !== QUOTE || !sameBytes(b, q + 1, q + 1 + DATE_KEY.length, DATE_KEY)) return -1;
      q += DATE_KEY.length + 1;
      if (b[q] !== QUOTE) return -1;
      q = skipSpace(b, q + 1, limit);
      if (b[q] !== COLON) return -1;
      q = skipSpace(b, q + 1, limit);
      if (b[q] !== QUOTE) return -1;
      q = skipSpace(b, this.#isoTime(b, q, limit), limit);
      return q >= 0 && b[q] === CLOSE_BRACE ? q + 1 : -1;
    }
    if (c === MINUS || (c !== undefined && c >= DIGIT_0 && c <= DIGIT_9)) {
      const end = this.#number(b, p, limit);
      if (end < 0) return -1;
      this.#numberValue(b, p, end, this.#io, 0);
      const t = this.#io[0]!;
      // Numbers outside the epoch-milliseconds rule go to the exact path, which reports them.
      if (!isNumericTime(t)) return -1;
      this.time = t;
      return end;
    }
    return -1;
  }

  /**
   * An ISO time string at `p` (its opening quote); the position after its closing quote. The last
   * text seen is remembered, as consecutive lines often share it, and recognised by its shape.
   */
  #isoTime(b: Uint8Array, p: number, limit: number): number {
    const start = p + 1;
    this.#textStart = start;
    const end = this.#lastTimeText?.literal(this.#view, b, start, limit, 0) ?? -1;
    if (end >= 0 && b[end] === QUOTE) {
      this.#textEnd = end;
      this.time = this.#lastTime;
      return end + 1;
    }
    let q = start;
    for (; q < limit; q++) {
      const c = b[q]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20 || c > 0x7e) return -1;
    }
    if (q >= limit) return -1;
    this.#textEnd = q;
    let t: number;
    try {
      t = parseIsoTimestamp(asciiText(b, start, q));
    } catch {
      // The exact path reports the document with the parser's own message.
      return -1;
    }
    this.#lastTimeText = LineShape.text(this.#view, b, start, q);
    this.#lastTime = t;
    this.time = t;
    return q + 1;
  }

  /** A metric value: a number is read, a string or literal is a bad value (NaN), an object or array is unusual. */
  #metric(b: Uint8Array, p: number, limit: number, metric: number): number {
    const c = b[p];
    if (c === MINUS || (c !== undefined && c >= DIGIT_0 && c <= DIGIT_9)) {
      const end = this.#number(b, p, limit);
      if (end >= 0) this.#numberValue(b, p, end, this.values, metric);
      return end;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return -1;
    // A line read by its shape does not clear the values first.
    this.values[metric] = Number.NaN;
    return this.#skipValue(b, p, limit, 1);
  }

  /**
   * Validates a JSON value and returns the position after it, or -1 when it is not valid JSON
   * (or nests deeper than the scanner follows).
   */
  #skipValue(b: Uint8Array, p: number, limit: number, depth: number): number {
    const c = b[p];
    if (c === QUOTE) return skipString(this.#view, b, p, limit);
    if (c === MINUS || (c !== undefined && c >= DIGIT_0 && c <= DIGIT_9)) return this.#number(b, p, limit);
    if (c === 0x74) return literal(b, p, limit, TRUE);
    if (c === 0x66) return literal(b, p, limit, FALSE);
    if (c === 0x6e) return literal(b, p, limit, NULL);
    if (depth > MAX_DEPTH) return -1;
    if (c === OPEN_BRACE) {
      let q = skipSpace(b, p + 1, limit);
      if (b[q] === CLOSE_BRACE) return q + 1;
      for (;;) {
        if (b[q] !== QUOTE) return -1;
        q = skipSpace(b, skipString(this.#view, b, q, limit), limit);
        if (q < 0 || b[q] !== COLON) return -1;
        q = this.#skipValue(b, skipSpace(b, q + 1, limit), limit, depth + 1);
        if (q < 0) return -1;
        q = skipSpace(b, q, limit);
        if (b[q] === COMMA) q = skipSpace(b, q + 1, limit);
        else return b[q] === CLOSE_BRACE ? q + 1 : -1;
      }
    }
    if (c === OPEN_BRACKET) {
      let q = skipSpace(b, p + 1, limit);
      if (b[q] === CLOSE_BRACKET) return q + 1;
      for (;;) {
        q = this.#skipValue(b, q, limit, depth + 1);
        if (q < 0) return -1;
        q = skipSpace(b, q, limit);
        if (b[q] === COMMA) q = skipSpace(b, q + 1, limit);
        else return b[q] === CLOSE_BRACKET ? q + 1 : -1;
      }
    }
    return -1;
  }

  /**
   * Validates a JSON number at `p` and keeps its digits as an integer and its power of ten.
   * Returns the position after it, or -1 when it is not a JSON number.
   */
  #number(b: Uint8Array, p: number, limit: number): number {
    // Branch-free: the JIT has then seen the addition before the first negative number.
    let q = p + (b[p] === MINUS ? 1 : 0);
    if (q >= limit) return -1;
    this.#mantissa = 0;
    this.#low = 0;
    let exponent = 0;
    let c = b[q];
    if (c === DIGIT_0) q++;
    else if (c !== undefined && c > DIGIT_0 && c <= DIGIT_9) q = this.#digits(b, q, limit);
    else return -1;
    c = b[q];
    if (q < limit && c === DOT) {
      c = b[++q];
      if (q >= limit || c === undefined || c < DIGIT_0 || c > DIGIT_9) return -1;
      const first = q;
      q = this.#digits(b, q, limit);
      exponent = first - q;
      c = b[q];
    }
    if (q < limit && (c === 0x65 || c === 0x45)) {
      c = b[++q];
      let sign = 1;
      if (c === MINUS || c === PLUS) {
        if (c === MINUS) sign = -1;
        c = b[++q];
      }
      if (q >= limit || c === undefined || c < DIGIT_0 || c > DIGIT_9) return -1;
      let e = 0;
      do {
        // Past a few digits the value is 0 or Infinity either way; `Number()` decides which.
        if (e < 100_000) e = e * 10 + (c - DIGIT_0);
        c = b[++q];
      } while (q < limit && c !== undefined && c >= DIGIT_0 && c <= DIGIT_9);
      exponent += sign * e;
    }
    this.#exponent = exponent;
    return q > limit ? -1 : q;
  }

  /**
   * Adds the run of digits at `q` to {@link #mantissa} (exact below 2^53, and at or above it
   * whenever the exact value is) and returns the position after it. Four digits at a time where
   * four bytes are all digits: one load, a check and a multiply instead of four of each.
   */
  #digits(b: Uint8Array, q: number, limit: number): number {
    const view = this.#view;
    let m = this.#mantissa;
    let low = this.#low;
    for (;;) {
      // Words are read up to the end of the bytes, past the limit: the newline at the limit ends
      // the run. Only the bytes' last three go one by one (a path the scan of a file, whose buffer
      // has room after its last line, never takes; met for the first time at a chunk's last line,
      // it deoptimised the whole optimised scan).
      if (q + 4 > view.byteLength) {
        for (let c = b[q]!; q < limit && c >= DIGIT_0 && c <= DIGIT_9; c = b[++q]!) {
          m = m * 10 + (c - DIGIT_0);
          low = (Math.imul(low, 10) + (c - DIGIT_0)) | 0;
        }
        break;
      }
      const w = view.getInt32(q, true);
      // A byte is a digit when it is at most 9 after the XOR; a byte above 9 is one that +0x76 lifts
      // to 0x80 or more. Carries only run into later bytes, so the first such byte is exact.
      const a = w ^ 0x30303030;
      const stops = ((a + 0x76767676) | a) & 0x80808080;
      // The run's digits moved to the top bytes, so that the zeros below them are leading zeros.
      const run = stops === 0 ? 4 : (31 - Math.clz32(stops & -stops)) >>> 3;
      if (run > 0) {
        const v = fourDigits(w << (8 * (4 - run)));
        m = m * POW10[run]! + v;
        low = (Math.imul(low, SMALL_POW10[run]!) + v) | 0;
      }
      q += run;
      if (run < 4) break;
    }
    this.#mantissa = m;
    this.#low = low;
    return q;
  }

  /**
   * Writes the value of the number {@link #number} just validated at `[start, end)` to `out[at]`,
   * exactly as `JSON.parse` reads it. Written, not returned: a double returned from a call the JIT
   * does not inline is boxed.
   */
  #numberValue(b: Uint8Array, start: number, end: number, out: Float64Array, at: number): void {
    const m = this.#mantissa;
    const e = this.#exponent;
    const negative = b[start] === MINUS;
    // Clinger's fast path: an exact integer and an exact power of ten, so one rounding, as JSON.parse.
    if (m < TWO_53 && e >= -MAX_EXACT_POWER && e <= MAX_EXACT_POWER) {
      const v = e >= 0 ? m * POW10[e]! : m / POW10[-e]!;
      out[at] = negative ? -v : v;
      return;
    }
    // 16 to 19 digits (prices, volumes, market caps): exact double-double arithmetic, else Number().
    const io = this.#io;
    io[0] = m;
    io[1] = this.#low;
    if (e <= 0 && decimalQuotient(io, -e)) out[at] = negative ? -io[0]! : io[0]!;
    else out[at] = Number(asciiText(b, start, end));
  }
}

const TRUE = Uint8Array.from('true', (c) => c.charCodeAt(0));
const FALSE = Uint8Array.from('false', (c) => c.charCodeAt(0));
const NULL = Uint8Array.from('null', (c) => c.charCodeAt(0));

/**
 * Bytes already known to be ASCII (a number, a time text) as a string: made only for the few
 * values the scanner does not convert itself, so no chunk is ever decoded whole.
 */
function asciiText(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
}

/**
 * The value of four ASCII digits read as a little-endian word (the first byte the most
 * significant digit): pairs of digits, then the pairs.
 */
function fourDigits(w: number): number {
  let v = w & 0x0f0f0f0f;
  v = (v * 10 + (v >>> 8)) & 0x00ff00ff;
  return (v * 100 + (v >>> 16)) & 0xffff;
}

/** JSON whitespace other than the newline that ends the line. */
function skipSpace(b: Uint8Array, p: number, limit: number): number {
  while (p < limit) {
    const c = b[p]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    p++;
  }
  return p;
}

function sameBytes(b: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[start + i] !== expected[i]) return false;
  return true;
}

function literal(b: Uint8Array, p: number, limit: number, word: Uint8Array): number {
  return p + word.length <= limit && sameBytes(b, p, p + word.length, word) ? p + word.length : -1;
}

/**
 * The end of the run of bytes from `q` on that need no look in a string — no quote, no backslash,
 * no control character — found four bytes at a time (it may stop a few bytes early, never late).
 */
function plainRun(view: DataView, q: number, limit: number): number {
  while (q + 4 <= limit) {
    const w = view.getInt32(q, true);
    if ((specialBytes(w) & 0x80808080) !== 0) break;
    q += 4;
  }
  return q;
}

/**
 * Top bits set in the bytes of `w` that may be a quote, a backslash or a control character (bytes
 * of 0x80 or more are not marked): a zero byte in either XOR, or a byte below 0x20, borrows into
 * its top bit. A borrow can mark a later byte too, never an earlier one, so a word with no top bit
 * set holds none of them.
 */
function specialBytes(w: number): number {
  const quote = w ^ 0x22222222;
  const backslash = w ^ 0x5c5c5c5c;
  return ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | ((w - 0x20202020) & ~w);
}

/**
 * A JSON string at `p` (escapes validated; any byte from 0x20 up allowed); the position after it,
 * or -1. Runs of bytes that need no look are passed over four at a time.
 */
function skipString(view: DataView, b: Uint8Array, p: number, limit: number): number {
  if (p < 0) return -1;
  for (let q = plainRun(view, p + 1, limit); q < limit; q++) {
    const c = b[q]!;
    if (c === QUOTE) return q + 1;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      const e = b[++q];
      if (e === 0x75) {
        if (q + 4 >= limit) return -1;
        for (let k = 1; k <= 4; k++) if (!isHex(b[q + k]!)) return -1;
        q += 4;
      } else if (
        !(
          e === QUOTE ||
          e === BACKSLASH ||
          e === 0x2f ||
          e === 0x62 ||
          e === 0x66 ||
          e === 0x6e ||
          e === 0x72 ||
          e === 0x74
        )
      ) {
        return -1;
      }
    }
  }
  return -1;
}

function isHex(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
