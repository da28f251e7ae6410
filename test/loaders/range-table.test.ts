import { describe, expect, it } from 'vitest';
import { fixedRange, RangeTable } from '../../lambdas/loaders/range-table.ts';

/** Line starts every 10 bytes: the first at or after an offset. */
const everyTen = (offset: number) => Math.ceil(offset / 10) * 10;

describe('RangeTable', () => {
  it('gives each range its end as it claims it, chunk by chunk', () => {
    const table = RangeTable.create(
      [
        { start: 0, end: 100 },
        { start: 100, end: 300 },
      ],
      4,
    );
    const first = table.range(0);
    expect(first.start).toBe(0);
    expect(first.claim(0, 40)).toBe(100);
    expect(first.claim(40, 40)).toBe(100);
    expect(table.bounds(1)).toEqual({ start: 100, end: 300 });
  });

  it('steals the second half of the most unclaimed bytes, from a line start, and the owner stops there', () => {
    const table = RangeTable.create(
      [
        { start: 0, end: 100 },
        { start: 100, end: 300 },
      ],
      4,
    );
    const second = table.range(1);
    second.claim(100, 40); // 140-300 unclaimed: 160 bytes, the most
    const stolen = table.steal(50, everyTen);
    expect(stolen).toBe(2);
    expect(table.bounds(2)).toEqual({ start: 220, end: 300 });
    expect(table.bounds(1)).toEqual({ start: 100, end: 220 });
    expect(second.claim(140, 400)).toBe(220);
    // What is left: range 0 (100 unclaimed) is split next, at its middle.
    expect(table.steal(50, everyTen)).toBe(3);
    expect(table.bounds(0)).toEqual({ start: 0, end: 50 });
  });

  it('never cuts claimed bytes: the cut is past the claim, or there is no steal', () => {
    const table = RangeTable.create([{ start: 0, end: 100 }], 4);
    const only = table.range(0);
    only.claim(0, 80);
    expect(table.steal(5, everyTen)).toBe(1);
    expect(table.bounds(0)).toEqual({ start: 0, end: 90 });
    expect(table.bounds(1)).toEqual({ start: 90, end: 100 });
    // A line start at or past the range's end leaves it whole.
    const sparse = RangeTable.create([{ start: 0, end: 100 }], 4);
    expect(sparse.steal(5, () => 100)).toBeNull();
    expect(sparse.bounds(0)).toEqual({ start: 0, end: 100 });
  });

  it('splits nothing below the least bytes, claimed whole, or when the table is full', () => {
    const table = RangeTable.create([{ start: 0, end: 100 }], 1);
    expect(table.steal(10, everyTen)).toBeNull();
    const roomy = RangeTable.create([{ start: 0, end: 100 }], 4);
    expect(roomy.steal(101, everyTen)).toBeNull();
    expect(roomy.range(0).rest()).toBe(100);
    expect(roomy.steal(1, everyTen)).toBeNull();
  });

  it('is the same table on another thread, from its shared memory', () => {
    const table = RangeTable.create([{ start: 0, end: 100 }], 4);
    const there = RangeTable.of(structuredClone(table.shared));
    expect(there.steal(10, everyTen)).toBe(1);
    expect(table.bounds(0)).toEqual({ start: 0, end: 50 });
    expect(table.range(0).claim(0, 1000)).toBe(50);
  });
});

describe('fixedRange', () => {
  it('ends where it was cut, whatever is claimed', () => {
    const range = fixedRange(10, 20);
    expect(range.claim(10, 1000)).toBe(20);
    expect(range.rest()).toBe(20);
    expect(range.start).toBe(10);
  });
});
