import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's browser build and stylesheet, as text to inline into a page. */
export interface UplotAssets {
  /** The minified IIFE build; defines the global `uPlot`. */
  readonly script: string;
  readonly style: string;
}

/** Thrown when an asset would end the inline element it is placed in. */
export class UplotAssetError extends Error {
  override readonly name = 'UplotAssetError';
}

let cached: UplotAssets | undefined;

/**
 * Reads uPlot's IIFE build and CSS from the installed `uplot` package, once
 * per process.
 *
 * The files are found by Node's module resolution from this module, not by a
 * path relative to it, so the same code works when run from the TypeScript
 * sources and from a bundle placed elsewhere, as long as `uplot` is
 * installed beside it.
 *
 * @returns the two files' text
 * @throws UplotAssetError if a file contains `</script` or `</style` (it could not be inlined safely)
 *
 * Complexity: O(file size) on the first call, O(1) after.
 *
 * @example
 * `<script>${uplotAssets().script}</script>`;
 */
export function uplotAssets(): UplotAssets {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    const script = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const style = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    if (/<\/script/i.test(script) || /<\/style/i.test(style)) {
      throw new UplotAssetError('uPlot build contains a closing script or style tag; cannot inline it');
    }
    cached = { script, style };
  }
  return cached;
}
