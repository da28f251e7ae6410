import { describe, expect, it } from 'vitest';
import { compileFieldPath } from '../../lambdas/core/field-path.ts';

describe('compileFieldPath', () => {
  it('compileFieldPath(name) reads a top-level field', () => {
    expect(compileFieldPath('coin_id')(Object.freeze({ coin_id: 'bitcoin' }))).toBe('bitcoin');
  });

  it('compileFieldPath(a.b.c) reads nested fields', () => {
    const doc = Object.freeze({ metrics: Object.freeze({ volume: Object.freeze({ usd: 5 }) }) });
    expect(compileFieldPath('metrics.volume.usd')(doc)).toBe(5);
    expect(compileFieldPath('metrics.volume')(doc)).toEqual({ usd: 5 });
  });

  it('compileFieldPath prefers a literal dotted key over the nested path', () => {
    const doc = Object.freeze({ 'a.b': 1, a: { b: 2 } });
    expect(compileFieldPath('a.b')(doc)).toBe(1);
    expect(compileFieldPath('a.b')({ a: { b: 2 } })).toBe(2);
  });

  it('compileFieldPath gives undefined for missing steps, never throws', () => {
    const get = compileFieldPath('a.b.c');
    expect(get({})).toBeUndefined();
    expect(get({ a: null })).toBeUndefined();
    expect(get({ a: 5 })).toBeUndefined();
    expect(get({ a: 'text' })).toBeUndefined();
    expect(get({ a: { b: null } })).toBeUndefined();
    expect(get(null)).toBeUndefined();
    expect(get(undefined)).toBeUndefined();
    expect(get('a string document')).toBeUndefined();
    expect(compileFieldPath('x')(null)).toBeUndefined();
    expect(compileFieldPath('x')(7)).toBeUndefined();
  });

  it.each([
    ['constructor.name', Object.freeze({ coin_id: 'bitcoin' }), undefined],
    ['__proto__', Object.freeze({ coin_id: 'bitcoin' }), undefined],
    ['toString', Object.freeze({}), undefined],
    ['a.hasOwnProperty', Object.freeze({ a: Object.freeze({}) }), undefined],
    ['constructor', Object.freeze({ constructor: 'own' }), 'own'],
    ['__proto__.volume', JSON.parse('{"__proto__":{"volume":5}}'), 5],
    ['a.constructor', Object.freeze({ a: Object.freeze({ constructor: 7 }) }), 7],
  ])('compileFieldPath(%s) reads own fields only, never what every object inherits', (path, doc, value) => {
    expect(compileFieldPath(path)(doc)).toBe(value);
  });

  it('compileFieldPath reads through arrays by index', () => {
    expect(compileFieldPath('a.1')({ a: [10, 20] })).toBe(20);
  });
});
