import { describe, expect, it } from 'vitest';
import type { DocumentFlags, TimeframeFlags } from '../../lambdas/core/document-flags.ts';
import { planFlagWrites, sameFlags } from '../../lambdas/service/flag-writes.ts';

const high = (score: number | null) => ({ direction: 'high' as const, score });

describe('sameFlags(stored, computed)', () => {
  it.each([
    ['equal flags', { volume: high(2) }, { volume: high(2) }, true],
    ['both empty', {}, {}, true],
    ['null scores', { volume: high(null) }, { volume: high(null) }, true],
    [
      'Extended JSON score',
      { volume: { direction: 'high', score: { $numberDouble: '2' } } },
      { volume: high(2) },
      true,
    ],
    ['different score', { volume: high(2) }, { volume: high(2.5) }, false],
    ['null vs number', { volume: high(null) }, { volume: high(0) }, false],
    ['different direction', { volume: { direction: 'low', score: 2 } }, { volume: high(2) }, false],
    ['extra stored metric', { volume: high(2), market_cap: high(1) }, { volume: high(2) }, false],
    ['missing stored metric', {}, { volume: high(2) }, false],
    ['nothing stored', undefined, {}, false],
    ['stored is not an object', 'x', {}, false],
  ])('%s → %s', (_name, stored, computed, expected) => {
    expect(sameFlags(stored, computed)).toBe(expected);
  });
});

describe('planFlagWrites(batch, computed, field)', () => {
  const batch = Object.freeze({
    documents: Object.freeze([
      Object.freeze({ _id: 'a', anomalies: { d3: { asOf: { $date: '2022-01-01T00:00:00Z' }, flags: {} } } }),
      Object.freeze({
        _id: 'b',
        anomalies: { d3: { asOf: 1, flags: { volume: high(2) } }, d7: { asOf: 1, flags: {} } },
      }),
      Object.freeze({ _id: 'c' }),
    ]),
    handles: Object.freeze(['h-a', 'h-b', 'h-c']),
  });

  it('drops timeframes stored with equal flags as of the same instant, and documents left unchanged', () => {
    const computed: DocumentFlags = new Map<number, Record<string, TimeframeFlags>>([
      [0, { d3: { asOf: Date.parse('2022-01-01'), flags: {} } }],
      [1, { d3: { asOf: 1, flags: { volume: high(2) } }, d7: { asOf: 1, flags: { volume: high(1) } } }],
      [2, { d3: { asOf: 1, flags: {} } }],
    ]);
    expect(planFlagWrites(batch, computed, 'anomalies')).toEqual([
      { handle: 'h-b', set: { d7: { asOf: 1, flags: { volume: high(1) } } } },
      { handle: 'h-c', set: { d3: { asOf: 1, flags: {} } } },
    ]);
  });

  it('writes a later evaluation even when its flags are unchanged, to record its asOf', () => {
    const computed: DocumentFlags = new Map([[1, { d3: { asOf: 2, flags: { volume: high(2) } } }]]);
    expect(planFlagWrites(batch, computed, 'anomalies')).toEqual([
      { handle: 'h-b', set: { d3: { asOf: 2, flags: { volume: high(2) } } } },
    ]);
  });

  it('never plans to replace a timeframe stored as of a later instant (the latest evaluation wins)', () => {
    const stored = {
      documents: [{ anomalies: { d7: { asOf: { $date: '2022-05-20T00:00:00Z' }, flags: {} } } }],
      handles: [0],
    };
    const flags = { volume: high(3) };
    const older: DocumentFlags = new Map([[0, { d7: { asOf: Date.parse('2022-05-19'), flags } }]]);
    const newer: DocumentFlags = new Map([[0, { d7: { asOf: Date.parse('2022-05-21'), flags } }]]);
    expect(planFlagWrites(stored, older, 'anomalies')).toEqual([]);
    expect(planFlagWrites(stored, newer, 'anomalies')).toHaveLength(1);
  });

  it('reads stored flags under a dotted flags field', () => {
    const nested = { documents: [{ risk: { anomalies: { d3: { asOf: 1, flags: {} } } } }], handles: [7] };
    const computed: DocumentFlags = new Map([[0, { d3: { asOf: 1, flags: {} } }]]);
    expect(planFlagWrites(nested, computed, 'risk.anomalies')).toEqual([]);
    expect(planFlagWrites(nested, computed, 'anomalies')).toHaveLength(1);
  });
});
