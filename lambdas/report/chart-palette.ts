/**
 * Colour of each timeframe, by position in the report's timeframe list
 * (cycled): Okabe & Ito's colour-blind-safe palette, in an order whose first
 * three (vermillion, blue, bluish green) stay apart under protanopia,
 * deuteranopia and tritanopia and are dark enough for thin lines on white.
 * Yellow is left out: it vanishes on white.
 */
export const TIMEFRAME_COLOURS = ['#D55E00', '#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'] as const;

/**
 * Dash pattern of each timeframe's fence lines (canvas `setLineDash` lengths
 * in CSS pixels), so that timeframes differ by more than colour.
 */
export const TIMEFRAME_DASHES = [[], [7, 3], [2, 3], [9, 3, 2, 3], [4, 4], [1, 2]] as const;

/** Colours of everything that is not a timeframe. */
export const CHART_COLOURS = {
  value: '#1d2329',
  grid: '#e6e9ec',
  axis: '#5b6670',
  /** Shading of known market events (drawn translucent, once, under everything). */
  event: 'rgba(29,35,41,0.08)',
  eventLabel: '#3d464f',
} as const;

/**
 * The colour of the timeframe at `position` in the report's list.
 *
 * @param position - 0-based index in the report's timeframes; cycles past the palette's length
 *
 * @example
 * timeframeColour(0); // '#D55E00'
 */
export function timeframeColour(position: number): string {
  return TIMEFRAME_COLOURS[position % TIMEFRAME_COLOURS.length]!;
}

/**
 * The dash pattern of the timeframe at `position` (solid for the first).
 *
 * @param position - 0-based index in the report's timeframes; cycles past the list's length
 *
 * @example
 * timeframeDash(1); // [7, 3]
 */
export function timeframeDash(position: number): readonly number[] {
  return TIMEFRAME_DASHES[position % TIMEFRAME_DASHES.length]!;
}
