const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML/SVG element content and quoted attribute values, so
 * asset names taken from input files can never inject markup.
 *
 * @example
 * escapeHtml('<a href="x">'); // '&lt;a href=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A string usable inside an HTML id and a CSS/URL fragment: anything other
 * than letters, digits, `-` and `_` becomes `_`.
 *
 * @example
 * safeId('usd-coin:volume'); // 'usd-coin_volume'
 */
export function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * JSON for the body of a `<script type="application/json">` element: every
 * `<` is written `\u003c`, so no string taken from input (`</script>`, `<!--`)
 * can end the element or open a comment; `JSON.parse` reads it back unchanged.
 * U+2028 and U+2029 are escaped too, for readers that evaluate the text as script.
 *
 * @param value - anything `JSON.stringify` accepts (NaN and ±Infinity become `null`)
 * @returns the escaped JSON text
 *
 * Complexity: O(size of the JSON).
 *
 * @example
 * scriptJson({ asset: '</script>' }); // '{"asset":"\\u003c/script>"}'
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
