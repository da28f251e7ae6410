// A double written as JSON.stringify writes it: the shortest decimal that reads back as the same
// double (the closest of those, the even one on a tie), laid out by ECMAScript's Number::toString
// rules; NaN and the infinities as null. The digits come from Ryu (Ulf Adams, "Ryū: fast
// float-to-string conversion", PLDI 2018; the 64-bit path of its d2s.c), exact for every double
// (test/wasm/json-number.test.ts compares it with JSON.stringify on millions of them).
import { DOUBLE_POW5_INV_SPLIT, DOUBLE_POW5_SPLIT } from './ryu-tables';

const MANTISSA_BITS: i32 = 52;
const BIAS: i32 = 1023;
const POW5_INV_BITCOUNT: i32 = 125;
const POW5_BITCOUNT: i32 = 125;

/** ceil(log2(5^e)) for 0 < e <= 3528 (1 for e = 0). */
function pow5bits(e: i32): i32 {
  return <i32>((<u32>e * 1217359) >> 19) + 1;
}

/** floor(log10(2^e)) for 0 <= e <= 1650. */
function log10Pow2(e: i32): i32 {
  return <i32>((<u32>e * 78913) >> 18);
}

/** floor(log10(5^e)) for 0 <= e <= 2620. */
function log10Pow5(e: i32): i32 {
  return <i32>((<u32>e * 732923) >> 20);
}

function multipleOfPowerOf5(value: u64, p: i32): bool {
  let count = 0;
  while (value % 5 === 0) {
    value /= 5;
    count++;
  }
  return count >= p;
}

function multipleOfPowerOf2(value: u64, p: i32): bool {
  return (value & (((<u64>1) << (<u64>p)) - 1)) === 0;
}

/** The high 64 bits of the 128-bit product a × b. */
function mulHigh(a: u64, b: u64): u64 {
  const aLo = a & 0xffff_ffff;
  const aHi = a >> 32;
  const bLo = b & 0xffff_ffff;
  const bHi = b >> 32;
  const b00 = aLo * bLo;
  const b01 = aLo * bHi;
  const b10 = aHi * bLo;
  const b11 = aHi * bHi;
  const mid1 = b10 + (b00 >> 32);
  const mid2 = b01 + (mid1 & 0xffff_ffff);
  return b11 + (mid1 >> 32) + (mid2 >> 32);
}

/** (m × the 128-bit multiplier at `table[2i]`) >> j, for 64 < j < 128 and m of at most 55 bits. */
function mulShift64(m: u64, table: StaticArray<u64>, i: i32, j: i32): u64 {
  const low = unchecked(table[2 * i]);
  const high = unchecked(table[2 * i + 1]);
  const high1 = mulHigh(m, high);
  const low1 = m * high;
  const high0 = mulHigh(m, low);
  const sum = high0 + low1;
  const carry: u64 = sum < high0 ? 1 : 0;
  const dist = <u64>(j - 64);
  return ((high1 + carry) << (64 - dist)) | (sum >> dist);
}

// The shortest decimal of the last double given to shortest(): digits × 10^exponent.
let digits: u64 = 0;
let exponent: i32 = 0;

/** Ryu's d2d: the shortest decimal of a finite, positive double's bits. */
function shortest(ieeeMantissa: u64, ieeeExponent: i32): void {
  let e2: i32;
  let m2: u64;
  if (ieeeExponent === 0) {
    e2 = 1 - BIAS - MANTISSA_BITS - 2;
    m2 = ieeeMantissa;
  } else {
    e2 = ieeeExponent - BIAS - MANTISSA_BITS - 2;
    m2 = ((<u64>1) << MANTISSA_BITS) | ieeeMantissa;
  }
  const acceptBounds = (m2 & 1) === 0;
  const mv = 4 * m2;
  const mmShift: u64 = ieeeMantissa !== 0 || ieeeExponent <= 1 ? 1 : 0;
  let vr: u64;
  let vp: u64;
  let vm: u64;
  let e10: i32;
  let vmIsTrailingZeros = false;
  let vrIsTrailingZeros = false;
  if (e2 >= 0) {
    const q = log10Pow2(e2) - (e2 > 3 ? 1 : 0);
    e10 = q;
    const k = POW5_INV_BITCOUNT + pow5bits(q) - 1;
    const i = -e2 + q + k;
    vr = mulShift64(mv, DOUBLE_POW5_INV_SPLIT, q, i);
    vp = mulShift64(mv + 2, DOUBLE_POW5_INV_SPLIT, q, i);
    vm = mulShift64(mv - 1 - mmShift, DOUBLE_POW5_INV_SPLIT, q, i);
    if (q <= 21) {
      // Only one of mp, mv and mm can be a multiple of 5, if any.
      if (mv % 5 === 0) vrIsTrailingZeros = multipleOfPowerOf5(mv, q);
      else if (acceptBounds) vmIsTrailingZeros = multipleOfPowerOf5(mv - 1 - mmShift, q);
      else if (multipleOfPowerOf5(mv + 2, q)) vp--;
    }
  } else {
    const q = log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
    e10 = q + e2;
    const i = -e2 - q;
    const k = pow5bits(i) - POW5_BITCOUNT;
    const j = q - k;
    vr = mulShift64(mv, DOUBLE_POW5_SPLIT, i, j);
    vp = mulShift64(mv + 2, DOUBLE_POW5_SPLIT, i, j);
    vm = mulShift64(mv - 1 - mmShift, DOUBLE_POW5_SPLIT, i, j);
    if (q <= 1) {
      // mv = 4 m2 has at least two trailing zero bits; mm has one iff mmShift is 1; mp has one.
      vrIsTrailingZeros = true;
      if (acceptBounds) vmIsTrailingZeros = mmShift === 1;
      else vp--;
    } else if (q < 63) {
      vrIsTrailingZeros = multipleOfPowerOf2(mv, q);
    }
  }
  let removed = 0;
  let lastRemovedDigit: u64 = 0;
  let output: u64;
  if (vmIsTrailingZeros || vrIsTrailingZeros) {
    // The general case (~0.7% of doubles): digits are removed while the interval allows a shorter
    // decimal, then — once it does not, which stays so — while the lower bound, exact, ends in zeros
    // (Ryu's two loops as one).
    for (;;) {
      const shorter = vp / 10 > vm / 10;
      if (!shorter && !(vmIsTrailingZeros && vm % 10 === 0)) break;
      if (shorter) vmIsTrailingZeros = vmIsTrailingZeros && vm % 10 === 0;
      vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit === 0;
      lastRemovedDigit = vr % 10;
      vr /= 10;
      vp /= 10;
      vm /= 10;
      removed++;
    }
    // Round to even when the exact number is …50…0.
    if (vrIsTrailingZeros && lastRemovedDigit === 5 && vr % 2 === 0) lastRemovedDigit = 4;
    output = vr + ((vr === vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1 : 0);
  } else {
    // The common case: two digits at a time first.
    let roundUp = false;
    if (vp / 100 > vm / 100) {
      roundUp = vr % 100 >= 50;
      vr /= 100;
      vp /= 100;
      vm /= 100;
      removed += 2;
    }
    while (vp / 10 > vm / 10) {
      roundUp = vr % 10 >= 5;
      vr /= 10;
      vp /= 10;
      vm /= 10;
      removed++;
    }
    output = vr + (vr === vm || roundUp ? 1 : 0);
  }
  digits = output;
  exponent = e10 + removed;
}

/** Number of decimal digits of v (v < 10^17). */
function decimalLength(v: u64): i32 {
  let length = 1;
  for (let bound: u64 = 10; length < 17 && v >= bound; bound *= 10) length++;
  return length;
}

/**
 * Writes `JSON.stringify(x)` at `p` as ASCII; the position after it. At most 25 bytes
 * (`-1.2345678901234567e-308`).
 */
export function writeJsonNumber(x: f64, p: usize): usize {
  if (!isFinite(x)) {
    store<u32>(p, 0x6c6c756e); // null
    return p + 4;
  }
  if (x === 0) {
    store<u8>(p, 0x30);
    return p + 1;
  }
  const bits = reinterpret<u64>(x);
  if (bits >> 63) {
    store<u8>(p, 0x2d);
    p++;
  }
  shortest(bits & 0xf_ffff_ffff_ffff, <i32>((bits >> 52) & 0x7ff));
  // ECMAScript Number::toString: k digits s, x = s × 10^(n - k).
  const k = decimalLength(digits);
  const n = exponent + k;
  // The digits, most significant first, at p + 2 (room for a leading "0." or a point after one).
  const at = p + 2;
  let v = digits;
  for (let i = k - 1; i >= 0; i--) {
    store<u8>(at + <usize>i, <u8>(0x30 + (v % 10)));
    v /= 10;
  }
  if (k <= n && n <= 21) {
    // An integer: the digits and n - k zeros.
    memory.copy(p, at, <usize>k);
    memory.fill(p + <usize>k, 0x30, <usize>(n - k));
    return p + <usize>n;
  }
  if (0 < n && n <= 21) {
    // A point inside the digits.
    memory.copy(p, at, <usize>n);
    store<u8>(p + <usize>n, 0x2e);
    memory.copy(p + <usize>n + 1, at + <usize>n, <usize>(k - n));
    return p + <usize>k + 1;
  }
  if (-6 < n && n <= 0) {
    // 0.000ddd
    const zeros = <usize>-n;
    memory.copy(p + 2 + zeros, at, <usize>k);
    store<u16>(p, 0x2e30); // "0."
    memory.fill(p + 2, 0x30, zeros);
    return p + 2 + zeros + <usize>k;
  }
  // d[.ddd]e±x
  let q = p + 1;
  store<u8>(p, load<u8>(at));
  if (k > 1) {
    memory.copy(p + 2, at + 1, <usize>(k - 1));
    store<u8>(p + 1, 0x2e);
    q = p + 1 + <usize>k;
  }
  store<u8>(q++, 0x65);
  let e = n - 1;
  store<u8>(q++, e < 0 ? 0x2d : 0x2b);
  if (e < 0) e = -e;
  if (e >= 100) store<u8>(q++, <u8>(0x30 + e / 100));
  if (e >= 10) store<u8>(q++, <u8>(0x30 + ((e / 10) % 10)));
  store<u8>(q++, <u8>(0x30 + (e % 10)));
  return q;
}
