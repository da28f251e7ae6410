// C1 controls include CSI (U+009B), which some terminals obey like ESC [; the bidirectional
// overrides and isolates reorder what a reader sees ("Trojan Source"); U+2028/U+2029 break lines.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// What JSON.stringify leaves as it is but a terminal or a log viewer would act on.
const UNSAFE_AFTER_JSON = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Makes text from an input safe to print inside a message: every control
 * character (C0, DEL, C1), line or paragraph separator and bidirectional
 * override becomes a `\uXXXX` escape, so a line holding terminal escape
 * sequences cannot recolour, clear or rewrite the user's terminal or log.
 *
 * Printable text is left as it is (a tab is escaped too); the result never
 * contains a line break, so a message stays on one line.
 *
 * @param text - any text, e.g. an engine's error message that quotes the input
 * @returns the text with those characters escaped
 *
 * Complexity: O(length).
 *
 * @example
 * escapeControl('\u001b[2Jhi'); // '\\u001b[2Jhi'
 */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * Quotes a piece of input for a message: a JSON string literal of at most
 * `max` characters (`…` after the closing quote when cut, never inside a
 * surrogate pair), with control characters escaped as by {@link escapeControl}.
 *
 * @param text - the input as it was given
 * @param max - characters kept @default 64
 * @returns e.g. `"31-02-2022"`
 *
 * Complexity: O(min(length, max)).
 *
 * @example
 * quoteInput('31-02-2022');           // '"31-02-2022"'
 * quoteInput('a'.repeat(100), 3);     // '"aaa"…'
 */
export function quoteInput(text: string, max = 64): string {
  let kept = text;
  if (text.length > max) {
    const code = text.charCodeAt(max - 1);
    // A high surrogate at the cut would leave half a character.
    kept = text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
  }
  const quoted = JSON.stringify(kept).replace(UNSAFE_AFTER_JSON, escapeChar);
  return kept.length < text.length ? `${quoted}…` : quoted;
}
