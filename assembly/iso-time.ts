// An instant written as `Date#toISOString` writes it, for the kernels' JSON output.

const DAY_MS: i64 = 86_400_000;

/**
 * `new Date(t).toISOString()` at `p` (`YYYY-MM-DDTHH:MM:SS.sssZ`; a fraction of a millisecond cut
 * toward zero, as `Date` does); the end, or 0 outside its four-digit years.
 */
export function writeIsoTime(t: f64, p: usize): usize {
  // 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z, after the cut (NaN is out too).
  if (!(t > -62_167_219_200_001 && t < 253_402_300_800_000)) return 0;
  const ms = <i64>t;
  let days = ms / DAY_MS;
  let rest = ms - days * DAY_MS;
  if (rest < 0) {
    days--;
    rest += DAY_MS;
  }
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const day = <i32>(doy - (153 * mp + 2) / 5 + 1);
  const month = <i32>(mp < 10 ? mp + 3 : mp - 9);
  const year = <i32>(yoe + era * 400) + (month <= 2 ? 1 : 0);
  const r = <i32>rest;
  putDigits(p, year, 4);
  store<u8>(p + 4, 0x2d);
  putDigits(p + 5, month, 2);
  store<u8>(p + 7, 0x2d);
  putDigits(p + 8, day, 2);
  store<u8>(p + 10, 0x54);
  putDigits(p + 11, r / 3_600_000, 2);
  store<u8>(p + 13, 0x3a);
  putDigits(p + 14, (r / 60_000) % 60, 2);
  store<u8>(p + 16, 0x3a);
  putDigits(p + 17, (r / 1000) % 60, 2);
  store<u8>(p + 19, 0x2e);
  putDigits(p + 20, r % 1000, 3);
  store<u8>(p + 23, 0x5a);
  return p + 24;
}

/** `count` decimal digits of v at `p`, zero-padded. */
function putDigits(p: usize, v: i32, count: i32): void {
  for (let i = count - 1; i >= 0; i--) {
    store<u8>(p + <usize>i, <u8>(0x30 + (v % 10)));
    v /= 10;
  }
}
