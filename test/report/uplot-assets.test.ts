import { describe, expect, it } from 'vitest';
import { uplotAssets } from '../../lambdas/report/uplot-assets.ts';

describe('uplotAssets', () => {
  it("reads uPlot's browser build (global uPlot) and stylesheet from the installed package", () => {
    const { script, style } = uplotAssets();
    expect(script).toMatch(/^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v1\.6\.\d+\) \*\/\nvar uPlot=/);
    expect(script.length).toBeLessThan(60_000); // the ~50 KB the README promises
    expect(style).toContain('.u-over');
  });

  it('reads the files once per process', () => {
    expect(uplotAssets()).toBe(uplotAssets());
  });

  it('holds nothing that would end the inline element', () => {
    const { script, style } = uplotAssets();
    expect(script).not.toMatch(/<\/script/i);
    expect(style).not.toMatch(/<\/style/i);
  });
});
