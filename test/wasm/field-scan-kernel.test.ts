import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldMapping } from '../../lambdas/core/document-reader.ts';
import { parseIsoTimestamp } from '../../lambdas/core/timestamp.ts';
import { FieldScanner, LineVerdict } from '../../lambdas/loaders/field-scanner.ts';
import { FieldScanKernel } from '../../lambdas/wasm/field-scan-kernel.ts';
import { shapedLineRuns } from '../support/shaped-lines.ts';

const MAPPING = Object.freeze({
  assetField: 'coin_id',
  timeField: 'timestamp',
  metrics: Object.freeze(['volume', 'price']),
});

interface Read {
  readonly asset: string;
  readonly time: number;
  readonly values: readonly number[];
}

/** What one line gave: read by the kernel, by the JavaScript scanner after the kernel stopped, or unusual. */
type LineResult = { readonly by: 'kernel' | 'javascript'; readonly read: Read } | { readonly by: 'unusual' };

function newKernel(mapping: FieldMapping, bytes: number): FieldScanKernel {
  const kernel = FieldScanKernel.create(mapping.metrics.length, bytes);
  if (kernel === null) throw new Error('dist/wasm/field-scan.wasm is not built (npm run build:cli)');
  return kernel;
}

/**
 * Reads lines as the NDJSON scan does: the kernel first, the JavaScript scanner for each line it
 * stops at (which learns the shapes the kernel then reads), one line at a time.
 */
function readLines(lines: readonly string[], mapping: FieldMapping = MAPPING): LineResult[] {
  const text = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
  const kernel = newKernel(mapping, text.length + 8);
  const scanner = new FieldScanner(mapping);
  scanner.onShape = (shape, slots, complete) => kernel.setShape(shape, slots, complete);
  kernel.buffer.set(text);
  const results: LineResult[] = [];
  for (let s = 0; s < text.length; ) {
    const end = kernel.buffer.indexOf(0x0a, s);
    if (kernel.active && kernel.scan(s, end + 1, end) === end + 1 && kernel.count === 1) {
      const r = kernel.records;
      const values = Array.from(r.subarray(2, kernel.stride));
      results.push({ by: 'kernel', read: { asset: kernel.assetName(r[0]!), time: r[1]!, values } });
    } else if (scanner.scan(kernel.buffer, s, end) === LineVerdict.Observation) {
      const read = { asset: scanner.assetName(), time: scanner.time, values: Array.from(scanner.values) };
      results.push({ by: 'javascript', read });
    } else results.push({ by: 'unusual' });
    s = end + 1;
  }
  return results;
}

/** The same lines read by the JavaScript scanner alone. */
function readByScanner(lines: readonly string[], mapping: FieldMapping = MAPPING): LineResult[] {
  const scanner = new FieldScanner(mapping);
  return lines.map((l) => {
    const bytes = Buffer.from(`${l}\n`, 'utf8');
    if (scanner.scan(bytes, 0, bytes.length - 1) !== LineVerdict.Observation) return { by: 'unusual' };
    return {
      by: 'javascript',
      read: { asset: scanner.assetName(), time: scanner.time, values: Array.from(scanner.values) },
    };
  });
}

/** Equal reads, values compared with Object.is (so -0 and NaN count). */
function sameResults(a: readonly LineResult[], b: readonly LineResult[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i]!;
      if (x.by === 'unusual' || y.by === 'unusual') return x.by === y.by;
      return (
        x.read.asset === y.read.asset &&
        Object.is(x.read.time, y.read.time) &&
        x.read.values.length === y.read.values.length &&
        x.read.values.every((v, k) => Object.is(v, y.read.values[k]))
      );
    })
  );
}

const FIRST =
  '{"_id": "a:0", "coin_id": "btc", "timestamp": {"$date": "2024-01-01T00:00:00Z"}, "volume": 1, "price": 2}';
const withValues = (id: string, asset: string, time: string, volume: string, price = '2') =>
  `{"_id": ${id}, "coin_id": ${asset}, "timestamp": {"$date": ${time}}, "volume": ${volume}, "price": ${price}}`;
const plain = (volume: string, price = '2') =>
  withValues('"a:1"', '"eth"', '"2024-01-01T01:00:00Z"', volume, price);

describe('FieldScanKernel', () => {
  it('is built, and reads the lines that have the shape of a line the JavaScript scanner read', () => {
    const lines = [FIRST, plain('12.5', '3'), plain('7'), FIRST];
    const results = readLines(lines);
    expect(results.map((r) => r.by)).toEqual(['javascript', 'kernel', 'kernel', 'kernel']);
    expect(sameResults(results, readByScanner(lines))).toBe(true);
    expect(results[1]).toEqual({
      by: 'kernel',
      read: { asset: 'eth', time: Date.UTC(2024, 0, 1, 1), values: [12.5, 3] },
    });
  });

  it.each(
    Object.freeze([
      ['null, a string, true and false as metrics (NaN)', plain('null', '"x"'), [Number.NaN, Number.NaN]],
      ['false and a non-ASCII string (NaN)', plain('false', '"é"'), [Number.NaN, Number.NaN]],
      ['negative zero', plain('-0', '-0.0'), [-0, -0]],
      ['17 digits, rounded as JSON.parse does', plain('32740605.121617097', '2.2513818594482733'), []],
      ['19 digits', plain('1234567890.123456789', '-9999999999999999999'), []],
      ['22 decimals', plain('0.0000000000000000000001', '1.5'), []],
      ['2^53 + 1', plain('9007199254740993'), []],
    ] as const),
  )('reads %s as the JavaScript scanner does', (_name, line, values) => {
    const results = readLines([FIRST, line]);
    expect(results[1]!.by).toBe('kernel');
    expect(sameResults(results, readByScanner([FIRST, line]))).toBe(true);
    if (values.length > 0 && results[1]!.by === 'kernel') expect(results[1]!.read.values).toEqual(values);
  });

  it.each(
    Object.freeze([
      [
        'a skipped object, nested, with white space',
        withValues('{"$oid": [1, {"a": null}] }', '"x"', '"2024-01-01T00:00:00.500Z"', '1'),
      ],
      ['a skipped number with an exponent', withValues('-1.5e+3', '"x"', '"2024-01-01T00:00:00Z"', '1')],
      ['a skipped non-ASCII string', withValues('"ключ"', '"x"', '"2024-01-01T00:00:00Z"', '1')],
      ['a leap day', withValues('true', '"x"', '"2024-02-29T23:59:59.999Z"', '1')],
    ] as const),
  )('reads %s', (_name, line) => {
    const results = readLines([FIRST, line]);
    expect(results[1]!.by).toBe('kernel');
    expect(sameResults(results, readByScanner([FIRST, line]))).toBe(true);
  });

  it.each(
    Object.freeze([
      ['an exponent in a metric', plain('1e3')],
      ['20 digits', plain('12345678901234567890')],
      ['23 decimals', plain('0.00000000000000000000001')],
      ['an exact tie of 17 digits (left to Number())', plain('4503599627370496.5')],
      ['an object as a metric', plain('{"$numberDouble": "1"}')],
      ['an escape in a metric string', plain('"\\u0041"')],
      ['an escape in the asset', withValues('"a"', '"b\\u0074c"', '"2024-01-01T00:00:00Z"', '1')],
      ['a non-ASCII asset', withValues('"a"', '"bitcoïn"', '"2024-01-01T00:00:00Z"', '1')],
      ['an empty asset', withValues('"a"', '""', '"2024-01-01T00:00:00Z"', '1')],
      ['an escape in a skipped string', withValues('"a\\"b"', '"x"', '"2024-01-01T00:00:00Z"', '1')],
      ['a time with an offset', withValues('"a"', '"x"', '"2024-01-01T00:00:00+01:00"', '1')],
      ['a date without a time', withValues('"a"', '"x"', '"2024-01-01"', '1')],
      ['an impossible date', withValues('"a"', '"x"', '"2023-02-29T00:00:00Z"', '1')],
      ['a year before 100', withValues('"a"', '"x"', '"0099-01-01T00:00:00Z"', '1')],
      ['a number time', withValues('"a"', '"x"', '1704067200000', '1')],
      ['a space more', `${plain('1')} `],
      ['another key', plain('1').replace('"price"', '"prize"')],
      ['a leading zero', plain('01')],
      ['no digit after the point', plain('1.')],
      ['a line cut short', plain('1').slice(0, -5)],
      ['invalid JSON', plain('tru')],
    ] as const),
  )('leaves %s to the JavaScript scanner', (_name, line) => {
    const results = readLines([FIRST, line]);
    expect(results[1]!.by).not.toBe('kernel');
    expect(sameResults(results, readByScanner([FIRST, line]))).toBe(true);
  });

  it('reads a shape without every configured field, the missing metric NaN', () => {
    const lines = [
      '{"coin_id": "btc", "timestamp": "2024-01-01T00:00:00Z", "volume": 5}',
      '{"coin_id": "eth", "timestamp": "2024-01-01T01:00:00Z", "volume": 6}',
    ];
    const results = readLines(lines);
    expect(results[1]).toEqual({
      by: 'kernel',
      read: { asset: 'eth', time: Date.UTC(2024, 0, 1, 1), values: [6, Number.NaN] },
    });
  });

  it('reads numbers exactly as JSON.parse does, or leaves them (property)', () => {
    const decimal = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^(0|[1-9][0-9]{0,20})$/),
        fc.option(fc.stringMatching(/^[0-9]{1,24}$/), { nil: undefined }),
      )
      .map(
        ([negative, whole, fraction]) => `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`,
      );
    let read = 0;
    let left = 0;
    fc.assert(
      fc.property(fc.array(decimal, { minLength: 1, maxLength: 20 }), (numbers) => {
        const lines = [FIRST, ...numbers.map((n) => plain(n))];
        const results = readLines(lines);
        for (let i = 1; i < lines.length; i++) {
          const r = results[i]!;
          if (r.by !== 'kernel') {
            left++;
            continue;
          }
          read++;
          if (!Object.is(r.read.values[0], Number(numbers[i - 1]))) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
    // It reads most of them: all but those of more than 19 digits or 22 decimals (and near-ties).
    expect(read).toBeGreaterThan(left);
  });

  it('reads canonical ISO times as parseIsoTimestamp does, and leaves the impossible ones (property)', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const text = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
      )
      .map(
        ([y, mo, d, h, mi, s, ms]) =>
          `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${ms === undefined ? '' : `.${pad(ms, 3)}`}Z`,
      );
    let read = 0;
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 10 }), (times) => {
        const lines = [FIRST, ...times.map((t) => withValues('"a"', '"x"', `"${t}"`, '1'))];
        const results = readLines(lines);
        return times.every((t, i) => {
          const r = results[i + 1]!;
          let expected: number | undefined;
          try {
            expected = parseIsoTimestamp(t);
          } catch {
            expected = undefined;
          }
          if (r.by !== 'kernel') return expected === undefined || Number(t.slice(0, 4)) < 100;
          read++;
          return r.read.time === expected;
        });
      }),
      { numRuns: 300 },
    );
    expect(read).toBeGreaterThan(0);
  });

  it('agrees with the JavaScript scanner line by line over runs of lines of changing shapes (property)', () => {
    const metric = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: -1e8, max: 1e8 }).map((i) => i / 1000) },
      { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
      { weight: 2, arbitrary: fc.integer().map((i) => i * 1001) },
      { weight: 1, arbitrary: fc.constantFrom(null, '7', true, [1], { $numberInt: '3' }, 'é\\') },
    );
    // Mostly lines of one shape, as exports write them; now and then another shape or value.
    const time = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.integer({ min: 0, max: 2 ** 40 }).map((t) => ({ $date: new Date(t).toISOString() })),
      },
      { weight: 1, arbitrary: fc.constantFrom('2024-01-01T00:00:00Z', '2024-02-30T00:00:00Z', 'x') },
      { weight: 1, arbitrary: fc.constantFrom('2024-01-01T05:00:00.250+01:00').map(($date) => ({ $date })) },
      { weight: 1, arbitrary: fc.constantFrom(1704067200000, -1) },
    );
    const doc = fc.record({
      _id: fc.oneof(
        { weight: 8, arbitrary: fc.string({ maxLength: 12 }) },
        { weight: 1, arbitrary: fc.integer() },
        { weight: 1, arbitrary: fc.constant({ $oid: 'abc' }) },
      ),
      coin_id: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('btc', 'eth', 'asset-0001') },
        { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
      ),
      timestamp: time,
      volume: metric,
      price: metric,
    });
    let byKernel = 0;
    fc.assert(
      fc.property(shapedLineRuns(doc, 24), (lines) => {
        const results = readLines(lines);
        byKernel += results.filter((r) => r.by === 'kernel').length;
        return sameResults(results, readByScanner(lines));
      }),
      { numRuns: 1500 },
    );
    expect(byKernel).toBeGreaterThan(1000);
  });
});
