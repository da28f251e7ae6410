// What the rolling and window kernels share: judging a value against its fences (`fenceSide`,
// `fenceScore` of lambdas/core/fences.ts, the same operations) and writing a flag's JSON text.
import { writeIsoTime } from './iso-time';
import { writeJsonNumber } from './json-number';

const VALUE = memory.data<u8>([0x22, 0x2c, 0x22, 0x76, 0x61, 0x6c, 0x75, 0x65, 0x22, 0x3a]); // ","value":
const HIGH = memory.data<u8>([
  0x2c, 0x22, 0x64, 0x69, 0x72, 0x65, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x22, 0x3a, 0x22, 0x68, 0x69, 0x67, 0x68,
  0x22, 0x2c, 0x22, 0x73, 0x63, 0x6f, 0x72, 0x65, 0x22, 0x3a,
]); // ,"direction":"high","score":
const LOW = memory.data<u8>([
  0x2c, 0x22, 0x64, 0x69, 0x72, 0x65, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x22, 0x3a, 0x22, 0x6c, 0x6f, 0x77, 0x22,
  0x2c, 0x22, 0x73, 0x63, 0x6f, 0x72, 0x65, 0x22, 0x3a,
]); // ,"direction":"low","score":
/** `,"lower":` and `,"upper":`, 9 bytes each. */
export const LOWER = memory.data<u8>([0x2c, 0x22, 0x6c, 0x6f, 0x77, 0x65, 0x72, 0x22, 0x3a]);
export const UPPER = memory.data<u8>([0x2c, 0x22, 0x75, 0x70, 0x70, 0x65, 0x72, 0x22, 0x3a]);
/** Bytes {@link putVerdict} writes at most: the time, the keys, the value and the score. */
export const VERDICT_BYTES: i32 = 24 + 10 + 28 + 2 * 25;

/** `length` bytes at `bytes` copied to `p`; the position after them. */
export function put(p: usize, bytes: usize, length: usize): usize {
  memory.copy(p, bytes, length);
  return p + length;
}

/** 1 above the upper fence, -1 below the lower, 0 inside, for a NaN value or non-finite fences (`fenceSide`). */
export function sideOf(x: f64, lower: f64, upper: f64): i32 {
  if (!isFinite(x) || !isFinite(lower)) return 0;
  if (x > upper) return 1;
  if (x < lower) return -1;
  return 0;
}

/** How many IQRs a flagged value lies beyond the fence it crossed; NaN when the IQR is not positive (`fenceScore`). */
export function scoreOf(x: f64, side: i32, lower: f64, upper: f64, iqr: f64): f64 {
  if (!(iqr > 0)) return NaN;
  return side > 0 ? (x - upper) / iqr : (lower - x) / iqr;
}

/**
 * A flag's text after its opening `"timestamp":"`, as `JSON.stringify` writes it: the time as
 * `Date#toISOString` does, `","value":`, the value, the direction and the score (null when NaN).
 *
 * @returns the position after it, or 0 when the time is outside the years 0 to 9999
 */
export function putVerdict(p: usize, time: f64, x: f64, side: i32, score: f64): usize {
  p = writeIsoTime(time, p);
  if (p === 0) return 0;
  p = writeJsonNumber(x, put(p, VALUE, 10));
  return writeJsonNumber(score, side > 0 ? put(p, HIGH, 28) : put(p, LOW, 27));
}
