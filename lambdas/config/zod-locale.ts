import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * Gives zod's default issue messages ("Too small: expected array to have >=1 items") in English, as the
 * full `zod` package does on its own. `zod/mini` ships no locale, so that it stays tree-shakable (the
 * full package bundles every locale, about 260 KB); without one every message would read "Invalid input".
 *
 * Idempotent, and a locale configured earlier (by the full package or by the caller) is kept, as the full
 * package keeps it. Messages a schema customises are unaffected.
 *
 * @example
 * useEnglishIssueMessages();
 * z.array(z.string()).check(z.minLength(1)).safeParse([]).error?.issues[0]?.message;
 * // 'Too small: expected array to have >=1 items'
 */
export function useEnglishIssueMessages(): void {
  if (z.config().localeError === undefined) z.config(en());
}
