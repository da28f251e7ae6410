/** Receives one line without its terminator, and its 1-based number. */
export type LineHandler = (text: string, line: number) => void;

/**
 * Splits text arriving in chunks into lines (`\n` or `\r\n`), calling the
 * handler once per line, including empty ones.
 *
 * Complexity: O(characters); a line split across chunks is copied once.
 *
 * @example
 * const s = new LineSplitter((text, line) => console.log(line, text));
 * s.push('a\nb'); s.push('c\n'); s.end(); // 1 'a', 2 'bc'
 */
export class LineSplitter {
  readonly #onLine: LineHandler;
  #carry = '';
  #line = 0;

  constructor(onLine: LineHandler) {
    this.#onLine = onLine;
  }

  /** Lines emitted so far (blank ones included). */
  get lines(): number {
    return this.#line;
  }

  /** Feeds the next chunk of text. */
  push(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.#carry += text;
      return;
    }
    if (this.#carry.length > 0) {
      this.#emit(this.#carry + text.slice(0, nl));
      this.#carry = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      this.#emit(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.#carry = text.slice(start);
  }

  /** Flushes a last line that has no terminator. */
  end(): void {
    if (this.#carry.length > 0) this.#emit(this.#carry);
    this.#carry = '';
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
