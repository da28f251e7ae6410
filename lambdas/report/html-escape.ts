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
