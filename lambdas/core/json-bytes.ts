/**
 * What the writers that print JSON straight to UTF-8 share (`RollingJsonWriter`, the CLI's flag
 * lines): byte copies, and numbers formatted in one `JSON.stringify` of an array (the flag lines';
 * the rolling report's are written by `putJsonNumber`).
 */

const UTF8 = new TextEncoder();

/** `,` in UTF-8. */
export const COMMA = 0x2c;
/** `]` in UTF-8. */
export const CLOSE_BRACKET = 0x5d;
/** `}` in UTF-8. */
export const CLOSE_BRACE = 0x7d;
/** The most bytes `JSON.stringify` prints for a number (`-0.0000012345678901234567`) or `null`. */
export const NUMBER_CHARS = 25;
/** The most bytes of a `toISOString()` text (`+275760-09-13T00:00:00.000Z`). */
export const ISO_CHARS = 27;

/**
 * A key or other fixed text as UTF-8.
 *
 * @example
 * utf8(',"q1":').length; // 6
 */
export function utf8(text: string): Uint8Array {
  return UTF8.encode(text);
}

/**
 * Writes `bytes` at `p` of `b`; returns the end. A loop: for the few bytes of a key it is
 * faster than `set`.
 *
 * @example
 * put(buffer, utf8('null'), 0); // 4
 */
export function put(b: Uint8Array, bytes: Uint8Array, p: number): number {
  for (let j = 0; j < bytes.length; j++) b[p++] = bytes[j]!;
  return p;
}

/**
 * Copies `[from, to)` of `b` to `p` of `b`; returns the end.
 *
 * @example
 * copy(buffer, 0, 4, 10); // 14
 */
export function copy(b: Uint8Array, from: number, to: number, p: number): number {
  b.copyWithin(p, from, to);
  return p + to - from;
}

/**
 * Writes `text` as UTF-8 at `p` of `b`; returns the end. `b` must have room for it: up to three
 * bytes a UTF-16 unit.
 *
 * @example
 * putText(buffer, '{"asset":"ä"', 0); // 13
 */
export function putText(b: Uint8Array, text: string, p: number): number {
  return p + UTF8.encodeInto(text, b.subarray(p)).written;
}

/**
 * Writes ASCII `text` (an ISO time) at `p` of `b`, a byte per character; returns the end.
 *
 * @example
 * putAscii(buffer, '2024-01-01T00:00:00.000Z', 0); // 24
 */
export function putAscii(b: Uint8Array, text: string, p: number): number {
  for (let j = 0; j < text.length; j++) b[p++] = text.charCodeAt(j);
  return p;
}

/**
 * Numbers printed by one `JSON.stringify` of an array and written out one at a time, in order:
 * ~130 ns a number against ~300 ns for `String(x)` of a 17-digit double, and NaN and ±Infinity
 * print as `null`, -0 as `0`, exactly as `JSON.stringify` prints an object's properties.
 * `putJsonNumber` is faster once compiled (~90 ns), but for the few hundred thousand numbers of a
 * run's flag lines the compiling costs more than it saves: the engine's formatter needs none.
 *
 * @example
 * const numbers = new PrintedNumbers();
 * numbers.print([1.5, Number.NaN]);
 * numbers.next(buffer, 0); // 3: `1.5` at 0
 * numbers.next(buffer, 3); // 7: `null` at 3
 */
export class PrintedNumbers {
  #text = new Uint8Array(1 << 16);
  /** The next number's first byte in the text. */
  #at = 1;

  /** Prints `numbers`, dropping any not yet written. */
  print(numbers: readonly number[]): void {
    // Numbers print as ASCII: a byte per character.
    const text = JSON.stringify(numbers);
    if (this.#text.length < text.length) this.#text = new Uint8Array(2 * text.length);
    UTF8.encodeInto(text, this.#text);
    this.#at = 1; // past the `[`
  }

  /** Writes the next number at `p` of `b`; returns the end. */
  next(b: Uint8Array, p: number): number {
    const t = this.#text;
    let k = this.#at;
    for (let c = t[k]!; c !== COMMA && c !== CLOSE_BRACKET; c = t[++k]!) b[p++] = c;
    this.#at = k + 1;
    return p;
  }
}
