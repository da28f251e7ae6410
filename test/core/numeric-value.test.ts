import { describe, expect, it } from 'vitest';
import { toFiniteNumber } from '../../lambdas/core/numeric-value.ts';

/** A stand-in for the driver's BSON number classes: `_bsontype` plus a decimal `toString()`. */
function bson(type: string, text: string): object {
  return Object.freeze({ _bsontype: type, toString: () => text });
}

const COUNTED: readonly (readonly [string, unknown, number])[] = [
  ['a plain number', 12.5, 12.5],
  ['zero', 0, 0],
  ['a negative number', -3, -3],
  ['the largest double', Number.MAX_VALUE, Number.MAX_VALUE],
  ['$numberInt', { $numberInt: '42' }, 42],
  ['$numberInt negative', { $numberInt: '-7' }, -7],
  ['$numberLong', { $numberLong: '1652313600000' }, 1652313600000],
  ['$numberDouble', { $numberDouble: '2.5' }, 2.5],
  ['$numberDouble with exponent', { $numberDouble: '-1.5E-7' }, -1.5e-7],
  ['$numberDouble with leading dot', { $numberDouble: '.5' }, 0.5],
  ['$numberDouble with trailing dot', { $numberDouble: '5.' }, 5],
  ['$numberDecimal', { $numberDecimal: '2.5' }, 2.5],
  ['$numberDecimal with exponent and sign', { $numberDecimal: '+1.25e+3' }, 1250],
  ['BSON Decimal128', bson('Decimal128', '123.456'), 123.456],
  ['BSON Long', bson('Long', '9007199254740991'), 9007199254740991],
  ['BSON Int32', bson('Int32', '-12'), -12],
  ['BSON Double', bson('Double', '0.25'), 0.25],
];

const MISSING: readonly (readonly [string, unknown])[] = [
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['null', null],
  ['undefined', undefined],
  ['a numeric string (strings are not coerced)', '12.5'],
  ['an empty string', ''],
  ['true', true],
  ['false', false],
  ['$numberDouble NaN', { $numberDouble: 'NaN' }],
  ['$numberDouble Infinity', { $numberDouble: 'Infinity' }],
  ['$numberDouble -Infinity', { $numberDouble: '-Infinity' }],
  ['$numberDecimal NaN', { $numberDecimal: 'NaN' }],
  ['$numberDecimal Infinity', { $numberDecimal: 'Infinity' }],
  ['$numberDecimal -Infinity', { $numberDecimal: '-Infinity' }],
  ['an Extended JSON number that overflows a double', { $numberDecimal: '1E+400' }],
  ['an Extended JSON number holding a number, not text', { $numberInt: 5 }],
  ['an Extended JSON number with garbage text', { $numberLong: '12abc' }],
  ['an Extended JSON number with an extra key', { $numberInt: '5', unit: 'usd' }],
  ['an unknown $-key', { $numberFloat: '5' }],
  ['a nested object', { value: { $numberInt: '5' } }],
  ['an empty object', {}],
  ['an array', [5]],
  ['a Date', new Date(0)],
  ['a BSON non-number type', bson('ObjectId', '5')],
  ['a BSON Decimal128 NaN', bson('Decimal128', 'NaN')],
  ['a BSON Decimal128 Infinity', bson('Decimal128', 'Infinity')],
];

describe('toFiniteNumber', () => {
  for (const [name, input, expected] of COUNTED) {
    it(`toFiniteNumber reads ${name} as ${expected}`, () => {
      expect(toFiniteNumber(input)).toBe(expected);
    });
  }
  for (const [name, input] of MISSING) {
    it(`toFiniteNumber reads ${name} as missing (NaN)`, () => {
      expect(toFiniteNumber(input)).toBeNaN();
    });
  }

  it('toFiniteNumber does not modify a frozen Extended JSON object', () => {
    const v = Object.freeze({ $numberDouble: '3.5' });
    expect(toFiniteNumber(v)).toBe(3.5);
    expect(v).toEqual({ $numberDouble: '3.5' });
  });
});
