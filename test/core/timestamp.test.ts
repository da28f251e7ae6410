import { afterEach, describe, expect, it } from 'vitest';
import {
  formatIso,
  InvalidTimestampError,
  parseIsoTimestamp,
  toEpochMillis,
} from '../../lambdas/core/timestamp.ts';

const PARSED: readonly (readonly [string, number])[] = [
  ['2022-05-12', Date.UTC(2022, 4, 12)],
  ['2022-05-12T00:00:00Z', Date.UTC(2022, 4, 12)],
  ['2022-05-12T00:00:00z', Date.UTC(2022, 4, 12)],
  ['2022-05-12T06:30', Date.UTC(2022, 4, 12, 6, 30)],
  ['2022-05-12T06:30:15', Date.UTC(2022, 4, 12, 6, 30, 15)],
  ['2022-05-12 06:30:00.250+02:00', Date.UTC(2022, 4, 12, 4, 30, 0, 250)],
  ['2022-05-12T06:30:00.250+02:00', Date.UTC(2022, 4, 12, 4, 30, 0, 250)],
  ['2022-05-12T06:30:00-0530', Date.UTC(2022, 4, 12, 12, 0)],
  ['2022-05-12T06:30:00+05', Date.UTC(2022, 4, 12, 1, 30)],
  ['2022-05-12T00:30:00+01:00', Date.UTC(2022, 4, 11, 23, 30)],
  ['2022-05-12T00:00:00.5Z', Date.UTC(2022, 4, 12, 0, 0, 0, 500)],
  ['2022-05-12T00:00:00,5Z', Date.UTC(2022, 4, 12, 0, 0, 0, 500)],
  ['2022-05-12T00:00:00.123456789Z', Date.UTC(2022, 4, 12, 0, 0, 0, 123)],
  ['2022-05-12T00:00:00.1239Z', Date.UTC(2022, 4, 12, 0, 0, 0, 123)],
  ['2024-02-29T23:59:59.999Z', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
  ['  2022-05-12T00:00:00Z  ', Date.UTC(2022, 4, 12)],
  ['1969-12-31T23:59:59Z', -1000],
];

const REJECTED: readonly (readonly [string, string])[] = [
  ['2022-02-30', 'an impossible day'],
  ['2021-02-29', 'February 29 of a common year'],
  ['2022-13-01', 'month 13'],
  ['2022-00-10', 'month 0'],
  ['2022-05-12T24:00:00Z', 'hour 24'],
  ['2022-05-12T23:60:00Z', 'minute 60'],
  ['2022-05-12T23:59:60Z', 'second 60'],
  ['2022-05-12T06:30:00+24:00', 'an offset of 24 hours'],
  ['2022-05-12T06:30:00+05:60', 'an offset with 60 minutes'],
  ['2022-5-1', 'unpadded fields'],
  ['12/05/2022', 'a non-ISO date'],
  ['yesterday', 'words'],
  ['', 'an empty string'],
];

describe('parseIsoTimestamp', () => {
  for (const [text, ms] of PARSED) {
    it(`parseIsoTimestamp(${JSON.stringify(text)}) is ${new Date(ms).toISOString()}`, () => {
      expect(parseIsoTimestamp(text)).toBe(ms);
    });
  }
  for (const [text, why] of REJECTED) {
    it(`parseIsoTimestamp rejects ${why} (${JSON.stringify(text)}) with InvalidTimestampError`, () => {
      expect(() => parseIsoTimestamp(text)).toThrow(InvalidTimestampError);
    });
  }

  describe('in a process whose local time zone is not UTC', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });
    it('parseIsoTimestamp reads a naive time as UTC, as pandas localizes it, not as local time', () => {
      process.env.TZ = 'America/New_York';
      expect(new Date(2022, 4, 12).getTime()).not.toBe(Date.UTC(2022, 4, 12)); // the zone took effect
      expect(parseIsoTimestamp('2022-05-12T06:30:00')).toBe(Date.UTC(2022, 4, 12, 6, 30));
      expect(parseIsoTimestamp('2022-05-12')).toBe(Date.UTC(2022, 4, 12));
    });
  });
});

describe('toEpochMillis', () => {
  const MAY_12 = Date.UTC(2022, 4, 12);
  const ACCEPTED: readonly (readonly [string, unknown, number])[] = [
    ['an ISO string', '2022-05-12T00:00:00Z', MAY_12],
    ['{$date: ISO}', { $date: '2022-05-12T00:00:00Z' }, MAY_12],
    ['{$date: ISO with offset}', { $date: '2022-05-12T02:00:00+02:00' }, MAY_12],
    ['{$date: {$numberLong: ms}}', { $date: { $numberLong: String(MAY_12) } }, MAY_12],
    ['{$date: {$numberLong: negative ms}}', { $date: { $numberLong: '-86400000' } }, -86_400_000],
    ['{$date: ms}', { $date: MAY_12 }, MAY_12],
    ['a Date', new Date(MAY_12), MAY_12],
    ['epoch milliseconds', MAY_12, MAY_12],
  ];
  for (const [name, input, ms] of ACCEPTED) {
    it(`toEpochMillis reads ${name}`, () => {
      expect(toEpochMillis(typeof input === 'object' && input !== null ? Object.freeze(input) : input)).toBe(
        ms,
      );
    });
  }

  const BAD: readonly (readonly [string, unknown])[] = [
    ['missing', undefined],
    ['null', null],
    ['a boolean', true],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an invalid Date', new Date(Number.NaN)],
    ['an empty object', {}],
    ['{$date: null}', { $date: null }],
    ['{$date: NaN}', { $date: Number.NaN }],
    ['{$date: impossible ISO}', { $date: '2022-02-30T00:00:00Z' }],
    ['{$date: {$numberLong: not digits}}', { $date: { $numberLong: '12e3' } }],
    ['{$date: {$numberLong: a number, not text}}', { $date: { $numberLong: MAY_12 } }],
    ['an impossible ISO string', '2022-05-12T24:00:00Z'],
  ];
  for (const [name, input] of BAD) {
    it(`toEpochMillis rejects ${name} with InvalidTimestampError`, () => {
      expect(() => toEpochMillis(input)).toThrow(InvalidTimestampError);
    });
  }

  it('toEpochMillis names a missing field as missing', () => {
    expect(() => toEpochMillis(undefined)).toThrow(/missing/);
  });
});

describe('formatIso', () => {
  it('formatIso(ms) prints UTC with milliseconds, as toISOString() does', () => {
    expect(formatIso(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatIso(Date.UTC(2022, 4, 12, 4, 30, 0, 250))).toBe('2022-05-12T04:30:00.250Z');
  });
});
