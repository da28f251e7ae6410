import { describe, expect, it } from 'vitest';
import { escapeControl, quoteInput } from '../../lambdas/core/quote-input.ts';

describe('escapeControl', () => {
  it.each([
    ['ESC of an ANSI colour', '\u001b[31mred\u001b[0m', '\\u001b[31mred\\u001b[0m'],
    ['BEL, NUL, tab, CR and LF', '\u0007\u0000\t\r\n', '\\u0007\\u0000\\u0009\\u000d\\u000a'],
    ['DEL and the C1 CSI', '\u007f\u009b2J', '\\u007f\\u009b2J'],
    ['bidirectional overrides', 'abc\u202edcba\u2066', 'abc\\u202edcba\\u2066'],
    ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
    ['printable text and emoji, untouched', 'ßtc "q" \\ 😀', 'ßtc "q" \\ 😀'],
  ])('escapes %s', (_, text, escaped) => {
    expect(escapeControl(text)).toBe(escaped);
  });
});

describe('quoteInput', () => {
  it.each([
    ['short text', '31-02-2022', 64, '"31-02-2022"'],
    ['a cut', 'abcdef', 3, '"abc"…'],
    ['a cut before a surrogate pair', 'ab😀', 3, '"ab"…'],
    ['quotes and backslashes', 'a"b\\c', 64, '"a\\"b\\\\c"'],
    ['control and C1 characters', '\u001b[2J\u009b', 64, '"\\u001b[2J\\u009b"'],
  ])('quotes %s', (_, text, max, quoted) => {
    expect(quoteInput(text, max)).toBe(quoted);
  });
});
