import { describe, expect, it } from 'vitest';
import { createDocumentReader, InvalidDocumentError } from '../../lambdas/core/document-reader.ts';

const reader = createDocumentReader(
  Object.freeze({
    assetField: 'coin_id',
    timeField: 'timestamp',
    metrics: Object.freeze(['volume', 'score.value', 'price']),
  }),
);

describe('createDocumentReader', () => {
  it('read(doc) returns asset, epoch time and one value per metric in mapping order', () => {
    const doc = Object.freeze({
      coin_id: 'bitcoin',
      timestamp: Object.freeze({ $date: '2022-05-12T00:00:00Z' }),
      volume: 5,
      score: Object.freeze({ value: Object.freeze({ $numberDouble: '0.5' }) }),
      price: Object.freeze({ $numberDecimal: '30000.25' }),
    });
    const o = reader.read(doc);
    expect(o.asset).toBe('bitcoin');
    expect(o.time).toBe(Date.UTC(2022, 4, 12));
    expect(o.values).toBeInstanceOf(Float64Array);
    expect(Array.from(o.values)).toEqual([5, 0.5, 30000.25]);
  });

  it('read(doc) turns bad and missing metric values into NaN instead of failing', () => {
    const o = reader.read(
      Object.freeze({ coin_id: 'eth', timestamp: '2022-05-12', volume: '5', price: null }),
    );
    expect(Array.from(o.values)).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it.each([
    ['epoch seconds', 1652572800, /^field 'timestamp': numeric time 1652572800 looks like epoch seconds/],
    [
      'a price read as a time',
      30000.25,
      /^field 'timestamp': numeric time 30000\.25 is not epoch milliseconds/,
    ],
  ])('read(doc) rejects a time in %s with InvalidDocumentError naming the field', (_, timestamp, message) => {
    expect(() => reader.read(Object.freeze({ coin_id: 'btc', timestamp }))).toThrow(
      expect.objectContaining({ name: 'InvalidDocumentError', message: expect.stringMatching(message) }),
    );
  });

  it('read(doc) rejects a missing, empty or non-string asset with InvalidDocumentError', () => {
    for (const coin_id of [undefined, '', 5, null, { $oid: 'x' }]) {
      expect(() => reader.read({ coin_id, timestamp: '2022-05-12' })).toThrow(InvalidDocumentError);
    }
    expect(() => reader.read({ timestamp: '2022-05-12' })).toThrow(/coin_id/);
  });

  it('read(doc) rejects an unusable time with InvalidDocumentError naming the field', () => {
    for (const timestamp of [undefined, 'soon', '2022-02-30', { $date: null }, true]) {
      expect(() => reader.read({ coin_id: 'btc', timestamp })).toThrow(InvalidDocumentError);
    }
    expect(() => reader.read({ coin_id: 'btc', timestamp: 'soon' })).toThrow(/timestamp/);
  });

  it('read(doc) rejects a document that is not an object', () => {
    expect(() => reader.read(null)).toThrow(InvalidDocumentError);
    expect(() => reader.read('text')).toThrow(InvalidDocumentError);
  });

  it('createDocumentReader follows dotted asset and time paths', () => {
    const nested = createDocumentReader({ assetField: 'meta.asset', timeField: 'meta.t', metrics: ['v'] });
    const o = nested.read({ meta: { asset: 'sol', t: { $date: { $numberLong: '86400000' } } }, v: 1 });
    expect(o).toEqual({ asset: 'sol', time: 86_400_000, values: Float64Array.of(1) });
  });
});
