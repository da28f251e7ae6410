import { describe, expect, it } from 'vitest';
import {
  TIMEFRAME_COLOURS,
  TIMEFRAME_DASHES,
  timeframeColour,
  timeframeDash,
} from '../../lambdas/report/chart-palette.ts';

/** Okabe & Ito (2008), "Color Universal Design": the eight colours, black included. */
const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#000000'];

/** WCAG 2 contrast ratio of a `#RRGGBB` colour against white. */
function contrastOnWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return 1.05 / (luminance + 0.05);
}

describe('timeframe palette', () => {
  it('uses only Okabe–Ito colours, all different, without yellow', () => {
    for (const c of TIMEFRAME_COLOURS) expect(OKABE_ITO).toContain(c);
    expect(new Set(TIMEFRAME_COLOURS).size).toBe(TIMEFRAME_COLOURS.length);
    expect(TIMEFRAME_COLOURS).not.toContain('#F0E442');
  });

  it('gives the three default timeframes colours of at least 3:1 contrast on white (WCAG graphics)', () => {
    for (const c of TIMEFRAME_COLOURS.slice(0, 3)) expect(contrastOnWhite(c)).toBeGreaterThanOrEqual(3);
  });

  it('gives the three default timeframes different dash patterns, the first solid', () => {
    expect(TIMEFRAME_DASHES[0]).toEqual([]);
    expect(new Set(TIMEFRAME_DASHES.slice(0, 3).map((d) => d.join(','))).size).toBe(3);
  });

  it.each([
    [0, '#D55E00', []],
    [1, '#0072B2', [7, 3]],
    [2, '#009E73', [2, 3]],
    [6, '#D55E00', []],
  ])('position %i is %s dashed %j (cycling)', (position, colour, dash) => {
    expect(timeframeColour(position)).toBe(colour);
    expect(timeframeDash(position)).toEqual(dash);
  });
});
