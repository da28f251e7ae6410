/** Receives one line without its terminator, and its 1-based number. */
export type LineHandler = (text: string, line: number) => void;

/**
 * The longest line, JSON array element or CSV record the loaders read, in
 * UTF-16 code units (16 MiB for ASCII text): MongoDB's BSON document limit is
 * 16 MiB, so no longer document can come from or go to a collection. Longer
 * ones are reported and skipped without ever being held whole.
 */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/**
 * The reason given for a line, element or record longer than `max`: in MiB
 * and characters when `max` is a whole number of MiB, else in characters.
 *
 * Complexity: O(1).
 *
 * @example
 * tooLongReason('line', MAX_RECORD_CHARS); // 'line longer than 16 MiB (16777216 characters); skipped'
 */
export function tooLongReason(what: string, max: number): string {
  const size =
    max % (1024 * 1024) === 0 ? `${max / (1024 * 1024)} MiB (${max} characters)` : `${max} characters`;
  return `${what} longer than ${size}; skipped`;
}

/**
 * Options of {@link LineSplitter}.
 *
 * @example
 * new LineSplitter(onLine, { onTooLong: (line) => problems.push(line), maxLineChars: 1024 });
 */
export interface LineSplitterOptions {
  /** Called, instead of the handler, with the number of each line longer than `maxLineChars`. */
  readonly onTooLong?: (line: number) => void;
  /** @default MAX_RECORD_CHARS */
  readonly maxLineChars?: number;
}

/**
 * Splits text arriving in chunks into lines (`\n` or `\r\n`), calling the
 * handler once per line, including empty ones.
 *
 * A line longer than `maxLineChars` is never assembled: its text is dropped
 * as it streams past and `onTooLong` gets its number, so a 600 MB line or an
 * endless stream without newlines costs O(maxLineChars) memory, not a
 * `RangeError: Invalid string length`. Line numbers count it like any other.
 *
 * Complexity: O(characters); a line split across chunks is copied once.
 *
 * @example
 * const s = new LineSplitter((text, line) => console.log(line, text));
 * s.push('a\nb'); s.push('c\n'); s.end(); // 1 'a', 2 'bc'
 */
export class LineSplitter {
  readonly #onLine: LineHandler;
  readonly #onTooLong: (line: number) => void;
  readonly #max: number;
  #carry = '';
  /** Whether the current line already passed the limit and is being dropped. */
  #skipping = false;
  #line = 0;

  constructor(onLine: LineHandler, options: LineSplitterOptions = {}) {
    this.#onLine = onLine;
    this.#onTooLong = options.onTooLong ?? (() => {});
    this.#max = options.maxLineChars ?? MAX_RECORD_CHARS;
  }

  /** Lines emitted so far (blank and too long ones included). */
  get lines(): number {
    return this.#line;
  }

  /** Feeds the next chunk of text. */
  push(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.#hold(text);
      return;
    }
    if (this.#carry.length > 0 || this.#skipping) {
      this.#endCarried(this.#carry.length + nl, () => this.#carry + text.slice(0, nl));
      this.#carry = '';
      this.#skipping = false;
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      if (nl - start > this.#max) this.#tooLong();
      else this.#emit(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.#hold(text.slice(start));
  }

  /** Flushes a last line that has no terminator. */
  end(): void {
    if (this.#carry.length > 0 || this.#skipping) this.#endCarried(this.#carry.length, () => this.#carry);
    this.#carry = '';
    this.#skipping = false;
  }

  /** Keeps the start of an unfinished line, or starts dropping it once it passes the limit. */
  #hold(text: string): void {
    if (this.#skipping) return;
    if (this.#carry.length + text.length > this.#max) {
      this.#carry = '';
      this.#skipping = true;
    } else this.#carry += text;
  }

  /** Ends the carried line: `length` characters, assembled by `text` only when within the limit. */
  #endCarried(length: number, text: () => string): void {
    if (this.#skipping || length > this.#max) this.#tooLong();
    else this.#emit(text());
  }

  #tooLong(): void {
    this.#line++;
    this.#onTooLong(this.#line);
  }

  #emit(text: string): void {
    this.#line++;
    this.#onLine(text.endsWith('\r') ? text.slice(0, -1) : text, this.#line);
  }
}

/**
 * Whether a line holds only whitespace (such lines are skipped, not reported).
 *
 * @example
 * isBlank('  \t'); // true
 */
export function isBlank(text: string): boolean {
  return text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0);
}
