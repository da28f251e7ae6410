import { MAX_RECORD_CHARS, tooLongReason } from './line-splitter.ts';

/** Receives the text of one top-level array element and the line it starts on. */
export type ElementHandler = (text: string, line: number) => void;

const State = { Before: 0, Between: 1, Element: 2, After: 3, Done: 4 } as const;
type State = (typeof State)[keyof typeof State];

const QUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;
const COMMA = 44;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * Splits a top-level JSON array arriving in chunks into the texts of its
 * elements, without parsing them, so that each element can be parsed (and
 * rejected) on its own with its own line number, and a huge array never has
 * to be one string.
 *
 * Only strings, brackets and commas are tracked; an element that is not valid
 * JSON is left for `JSON.parse` to reject. Structural problems (no `[`, an
 * empty element, text after `]`, a missing `]`) go to `onProblem`, and so
 * does an element longer than `maxElementChars` (default
 * `MAX_RECORD_CHARS`), which is scanned past without being held.
 *
 * Complexity: O(characters).
 *
 * @example
 * const s = new JsonArraySplitter((text, line) => docs.push(JSON.parse(text)), onProblem);
 * s.push('[{"a": 1},\n{"a": 2}]'); s.end();
 */
export class JsonArraySplitter {
  readonly #onElement: ElementHandler;
  readonly #onProblem: (line: number, reason: string) => void;
  #state: State = State.Before;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #line = 1;
  readonly #max: number;
  #carry = '';
  /** Whether the current element already passed the limit and is being dropped. */
  #tooLong = false;
  #startLine = 0;

  constructor(
    onElement: ElementHandler,
    onProblem: (line: number, reason: string) => void,
    maxElementChars = MAX_RECORD_CHARS,
  ) {
    this.#onElement = onElement;
    this.#onProblem = onProblem;
    this.#max = maxElementChars;
  }

  /** Feeds the next chunk of text. */
  push(text: string): void {
    if (this.#state === State.After) return;
    let start = this.#state === State.Element ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === NEWLINE) {
        this.#line++;
        continue;
      }
      if (this.#state === State.Element) {
        if (this.#inString) {
          if (this.#escaped) this.#escaped = false;
          else if (c === BACKSLASH) this.#escaped = true;
          else if (c === QUOTE) this.#inString = false;
        } else if (c === QUOTE) this.#inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.#depth++;
        else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && this.#depth > 0) this.#depth--;
        else if (this.#depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
          if (this.#tooLong || this.#carry.length + i - start > this.#max) {
            this.#onProblem(this.#startLine, tooLongReason('JSON array element', this.#max));
          } else this.#onElement(this.#carry + text.slice(start, i), this.#startLine);
          this.#carry = '';
          this.#tooLong = false;
          this.#state = c === COMMA ? State.Between : State.Done;
        }
        continue;
      }
      if (c <= 32) continue;
      switch (this.#state) {
        case State.Before:
          if (c === OPEN_BRACKET) this.#state = State.Between;
          else {
            this.#fail('expected a JSON array');
            return;
          }
          break;
        case State.Between:
          if (c === COMMA) this.#onProblem(this.#line, 'empty JSON array element');
          else if (c === CLOSE_BRACKET) this.#state = State.Done;
          else {
            this.#state = State.Element;
            this.#startLine = this.#line;
            this.#depth = 0;
            start = i;
            i--; // the first character is scanned as part of the element
          }
          break;
        case State.Done:
          this.#fail('unexpected text after the JSON array');
          return;
      }
    }
    if (this.#state !== State.Element || this.#tooLong) return;
    if (this.#carry.length + text.length - start > this.#max) {
      this.#carry = '';
      this.#tooLong = true;
    } else this.#carry += text.slice(start);
  }

  /** Reports an array left open at the end of the input. */
  end(): void {
    if (this.#state === State.Element) {
      this.#onProblem(this.#startLine, 'unterminated JSON array element');
    } else if (this.#state === State.Between) this.#onProblem(this.#line, 'unterminated JSON array');
    this.#carry = '';
    this.#tooLong = false;
    this.#state = State.Done;
  }

  #fail(reason: string): void {
    this.#onProblem(this.#line, reason);
    this.#state = State.After;
  }
}
