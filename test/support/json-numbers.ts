/** Numbers whose JSON text is special: `null` for NaN and ±Infinity, `0` for -0, exponents, the longest texts. */
export const EDGE_NUMBERS = [
  Number.NaN,
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MIN_VALUE,
  -Number.MAX_VALUE,
  1e21,
  123456789012345680000,
  1e-7,
  -0.0000012345678901234567,
  -2.2250738585072014e-308,
  0.1 + 0.2,
  42.5,
  -3,
] as const;
