import { afterEach, describe, expect, it } from 'vitest';
import {
  formatIso,
  InvalidTimestampError,
  MIN_NUMERIC_TIME,
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

describe('parseIsoTimestamp in the first century', () => {
  it.each([
    ['0000-01-01', -62_167_219_200_000],
    ['0001-01-01T00:00:01Z', -62_135_596_799_000],
    ['0099-12-31', -59_011_545_600_000],
  ])('parseIsoTimestamp(%s) is that instant, not one in the 1900s', (text, ms) => {
    expect(parseIsoTimestamp(text)).toBe(ms);
    expect(formatIso(ms).slice(0, 10)).toBe(text.slice(0, 10));
  });

  it('parseIsoTimestamp refuses 29 February of the common year 0001', () => {
    expect(() => parseIsoTimestamp('0001-02-29')).toThrow(/impossible date/);
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
    ['{$date: {$numberLong}} past the year 9999', { $date: { $numberLong: '9999999999999999' } }],
    ['{$date: ms} past the last Date', { $date: 1e17 }],
    ['a Date past the year 9999', new Date(8.64e15)],
    ['an ISO year 275760', '+275760-09-13T00:00:00Z'],
    ['a $date holding junk', { $date: { junk: [1, 2] } }],
    ['1e400 (Infinity after parsing)', JSON.parse('1e400')],
  ];
  for (const [name, input] of BAD) {
    it(`toEpochMillis rejects ${name} with InvalidTimestampError`, () => {
      expect(() => toEpochMillis(input)).toThrow(InvalidTimestampError);
    });
  }

  it.each([
    [
      1652572800,
      'numeric time 1652572800 looks like epoch seconds (2022-05-15T00:00:00.000Z); times are epoch milliseconds',
    ],
    [
      631152000,
      'numeric time 631152000 looks like epoch seconds (1990-01-01T00:00:00.000Z); times are epoch milliseconds',
    ],
    [0.015, 'numeric time 0.015 is not epoch milliseconds from 1990-01-01 to 9999-12-31'],
    [-0, 'numeric time 0 is not epoch milliseconds from 1990-01-01 to 9999-12-31'],
    [30_000.5, 'numeric time 30000.5 is not epoch milliseconds from 1990-01-01 to 9999-12-31'],
    [
      MIN_NUMERIC_TIME - 1,
      'numeric time 631151999999 is not epoch milliseconds from 1990-01-01 to 9999-12-31',
    ],
    [
      1.652572800000001e15,
      'numeric time 1652572800000001 is not epoch milliseconds from 1990-01-01 to 9999-12-31',
    ],
  ])('toEpochMillis refuses the bare number %d: %s', (input, message) => {
    expect(() => toEpochMillis(input)).toThrow(new InvalidTimestampError(message));
  });

  it.each([
    ['1990-01-01', MIN_NUMERIC_TIME],
    ['9999-12-31T23:59:59.999Z', 253_402_300_799_999],
  ])('toEpochMillis reads a bare number at the edge of the range, %s', (_, ms) => {
    expect(toEpochMillis(ms)).toBe(ms);
  });

  it('toEpochMillis reads typed dates before 1990: the floor is for bare numbers only', () => {
    expect(toEpochMillis({ $date: { $numberLong: '0' } })).toBe(0);
    expect(toEpochMillis('1969-07-20T20:17:00Z')).toBe(Date.UTC(1969, 6, 20, 20, 17));
  });

  it('toEpochMillis escapes control characters of a bad time it quotes', () => {
    expect(() => toEpochMillis('\u001b[2J2022')).toThrow('not an ISO-8601 date: "\\u001b[2J2022"');
    expect(() => toEpochMillis({ $date: '\u009b31m' })).toThrow('"\\u009b31m"');
  });

  it('toEpochMillis describes a time field nested 100,000 levels deep by its type', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() => toEpochMillis({ $date: { $numberLong: deep } })).toThrow('not a timestamp: an object');
  });

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
