import { describe, expect, it } from 'vitest';
import { escapeHtml, safeId, scriptJson } from '../../lambdas/report/html-escape.ts';

describe('scriptJson', () => {
  it.each([
    [{ a: '</script>' }, '{"a":"\\u003c/script>"}'],
    ['<!-- x', '"\\u003c!-- x"'],
    ['a\u2028b\u2029c', '"a\\u2028b\\u2029c"'],
    [[1, Number.NaN, Number.POSITIVE_INFINITY], '[1,null,null]'],
    [{ q: '"&\'' }, '{"q":"\\"&\'"}'],
  ] as const)('scriptJson(%j) is %s', (value, text) => {
    expect(scriptJson(value)).toBe(text);
  });

  it.each(['</script><script>alert(1)</script>', '</SCRIPT>', '<!--<script>', 'line\u2028sep', 'plain'])(
    'never contains "<" and parses back to the same value: %j',
    (text) => {
      const value = Object.freeze({ text, nested: [text] });
      const json = scriptJson(value);
      expect(json).not.toContain('<');
      expect(JSON.parse(json)).toEqual(value);
    },
  );
});

describe('escapeHtml and safeId', () => {
  it.each([
    ['<a href="x">', '&lt;a href=&quot;x&quot;&gt;'],
    ["it's & co", 'it&#39;s &amp; co'],
  ])('escapeHtml(%j) is %j', (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
  });

  it.each([
    ['usd-coin:volume', 'usd-coin_volume'],
    ['a b/c', 'a_b_c'],
  ])('safeId(%j) is %j', (text, id) => {
    expect(safeId(text)).toBe(id);
  });
});
