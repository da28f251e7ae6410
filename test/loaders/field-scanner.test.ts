import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDocumentReader, InvalidDocumentError } from '../../lambdas/core/document-reader.ts';
import { canScanFields, FieldScanner, LineVerdict } from '../../lambdas/loaders/field-scanner.ts';
import { shapedLineRuns } from '../support/shaped-lines.ts';

const MAPPING = Object.freeze({
  assetField: 'coin_id',
  timeField: 'timestamp',
  metrics: Object.freeze(['volume', 'price']),
});
const T0 = Date.UTC(2024, 0, 1);

/** Scans one line as the loader does: the bytes followed by the newline that ends every line. */
function scan(line: string, scanner = new FieldScanner(MAPPING)) {
  const bytes = Buffer.from(`${line}\n`, 'utf8');
  const verdict = scanner.scan(bytes, 0, bytes.length - 1);
  return verdict === LineVerdict.Observation
    ? { verdict, asset: scanner.assetName(), time: scanner.time, values: Array.from(scanner.values) }
    : { verdict };
}

/** What JSON.parse and the document reader make of the line: the exact path. */
function exact(line: string) {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return { parses: false as const };
  }
  try {
    const o = createDocumentReader(MAPPING).read(doc);
    return {
      parses: true as const,
      observation: { asset: o.asset, time: o.time, values: Array.from(o.values) },
    };
  } catch (e) {
    if (!(e instanceof InvalidDocumentError)) throw e;
    return { parses: true as const, observation: undefined };
  }
}

const line = (fields: string) => `{"coin_id": "btc", "timestamp": "2024-01-01T00:00:00Z", ${fields}}`;

describe('FieldScanner', () => {
  it.each(
    Object.freeze([
      ['0', 0],
      ['-0', -0],
      ['1.5', 1.5],
      ['0.1', 0.1],
      ['-1.5e+3', -1500],
      ['1E-7', 1e-7],
      ['2.2513818594482733', 2.2513818594482733],
      ['9007199254740993', 9007199254740992],
      ['123456789012345678901', 123456789012345680000],
      ['1e22', 1e22],
      ['1e23', 1e23],
      ['4.9e-324', 5e-324],
      ['0.000001234', 0.000001234],
    ] as const),
  )('reads the number %s exactly as JSON.parse (%d)', (text, expected) => {
    const r = scan(line(`"volume": ${text}`));
    expect(r.verdict).toBe(LineVerdict.Observation);
    expect(Object.is(r.values![0], expected)).toBe(true);
  });

  it.each(
    Object.freeze([
      ['an overflowing number', '"volume": 1e400', [Number.POSITIVE_INFINITY, Number.NaN]],
      ['null, strings and booleans', '"volume": null, "price": "12.5"', [Number.NaN, Number.NaN]],
      [
        'a skipped nested value and escaped string',
        '"x": {"a": [1, {"b": "q\\"\\u00e9"}]}, "price": 2',
        [Number.NaN, 2],
      ],
      ['true as a metric', '"volume": true, "price": false', [Number.NaN, Number.NaN]],
    ] as const),
  )('accepts %s with the values the document reader gives', (_name, fields, values) => {
    const r = scan(line(fields));
    expect(r).toEqual({ verdict: LineVerdict.Observation, asset: 'btc', time: T0, values });
  });

  it.each(
    Object.freeze([
      ['an empty line', ''],
      ['spaces and tabs', ' \t '],
      ['a carriage return', '\r'],
    ] as const),
  )('finds %s blank', (_name, text) => {
    expect(scan(text).verdict).toBe(LineVerdict.Blank);
  });

  it.each(
    Object.freeze([
      ['an Extended JSON number', line('"volume": {"$numberDouble": "1.5"}')],
      ['an array as a metric', line('"volume": [1]')],
      [
        'a $date of $numberLong',
        '{"coin_id": "btc", "timestamp": {"$date": {"$numberLong": "1704067200000"}}}',
      ],
      [
        'a $date with another key',
        '{"coin_id": "btc", "timestamp": {"$date": "2024-01-01T00:00:00Z", "x": 1}}',
      ],
      ['an escape in a key', '{"coin\\u005fid": "btc", "timestamp": "2024-01-01T00:00:00Z"}'],
      ['an escape in the asset', '{"coin_id": "b\\tc", "timestamp": "2024-01-01T00:00:00Z"}'],
      ['a non-ASCII asset', '{"coin_id": "bitcoïn", "timestamp": "2024-01-01T00:00:00Z"}'],
      ['an empty asset', '{"coin_id": "", "timestamp": "2024-01-01T00:00:00Z"}'],
      ['a missing time', '{"coin_id": "btc"}'],
      ['an impossible date', '{"coin_id": "btc", "timestamp": "2024-02-30T00:00:00Z"}'],
      ['a duplicate configured key', line('"volume": 1, "volume": 2')],
      ['a leading zero', line('"volume": 01')],
      ['a bare fraction', line('"volume": 1.')],
      ['a trailing comma', line('"volume": 1,')],
      ['text after the object', `${line('"volume": 1')} x`],
      ['a vertical tab', `\v${line('"volume": 1')}`],
      ['a byte-order mark', `\uFEFF${line('"volume": 1')}`],
      ['an array line', '[1, 2]'],
      ['a control character in a skipped string', line('"note": "a\u0001b"')],
      ['a bad escape in a skipped string', line('"note": "\\x"')],
      ['deep nesting', line(`"deep": ${'['.repeat(40)}${']'.repeat(40)}`)],
    ] as const),
  )('leaves %s to the exact path', (_name, text) => {
    expect(scan(text).verdict).toBe(LineVerdict.Unusual);
  });

  it('reads ISO, {"$date": ISO} and epoch-millisecond times, and interns repeated asset names', () => {
    const scanner = new FieldScanner(MAPPING);
    const times = [
      scan('{"coin_id": "a", "timestamp": "2024-01-01"}', scanner).time,
      scan('{"coin_id": "b", "timestamp": {"$date": "2024-01-01T00:00:00+01:00"}}', scanner).time,
      scan('{"coin_id": "a", "timestamp": 1704067200000}', scanner).time,
    ];
    expect(times).toEqual([T0, T0 - 3_600_000, T0]);
    expect(scanner.assetCount).toBe(2);
  });

  it('keeps no view of the scanned bytes: reused buffers do not change interned names or times', () => {
    const scanner = new FieldScanner(MAPPING);
    const bytes = Buffer.from('{"coin_id": "aaa", "timestamp": "2024-01-01T00:00:00Z"}\n', 'latin1');
    scanner.scan(bytes, 0, bytes.length - 1);
    bytes.write('{"coin_id": "bbb", "timestamp": "2024-01-02T00:00:00Z"}\n', 'latin1');
    expect(scanner.scan(bytes, 0, bytes.length - 1)).toBe(LineVerdict.Observation);
    expect([scanner.assetName(0), scanner.assetName(), scanner.time]).toEqual([
      'aaa',
      'bbb',
      T0 + 86_400_000,
    ]);
  });

  it('reads any double JSON.stringify writes exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const text = JSON.stringify(v);
        const r = scan(line(`"volume": ${text}`));
        return Object.is(r.values![0], JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads any decimal literal as JSON.parse does, or finds it unusual when JSON.parse rejects it', () => {
    const literal = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^[0-9]{0,25}$/),
        fc.option(fc.stringMatching(/^[0-9]{0,20}$/)),
        fc.option(
          fc.tuple(
            fc.constantFrom('e', 'E'),
            fc.constantFrom('', '+', '-'),
            fc.stringMatching(/^[0-9]{0,4}$/),
          ),
        ),
      )
      .map(
        ([sign, int, frac, exp]) =>
          `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`,
      );
    fc.assert(
      fc.property(literal, (text) => {
        const expected = exact(line(`"volume": ${text}`));
        const r = scan(line(`"volume": ${text}`));
        if (!expected.parses) return r.verdict === LineVerdict.Unusual;
        return r.verdict === LineVerdict.Observation && isSame(r, expected.observation!);
      }),
      { numRuns: 3000 },
    );
  });

  it('never accepts a line the exact path rejects, and agrees with it on every line it accepts', () => {
    const extra = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 });
    const metric = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(null, true, '7', { $numberInt: '3' }),
    );
    const doc = fc.record(
      {
        coin_id: fc.oneof(fc.constantFrom('btc', 'eth', ''), fc.string({ maxLength: 4 })),
        timestamp: fc.constantFrom(
          '2024-01-01T00:00:00Z',
          { $date: '2024-01-01T05:00:00.250Z' },
          1704067200000,
          'x',
        ),
        volume: metric,
        price: metric,
      },
      { requiredKeys: [] },
    );
    const text = fc
      .tuple(doc, extra, fc.constantFrom('', ' ', '\t', '  '), fc.nat(40), fc.constantFrom('', ',', 'x', '}'))
      .map(([d, e, space, cut, junk]) => {
        const json = JSON.stringify({ ...e, ...d }, null, space.length > 0 ? space : undefined).replaceAll(
          '\n',
          ' ',
        );
        // Some lines are broken: cut short or followed by junk.
        return cut === 0 ? json.slice(0, -1) : `${json}${cut === 1 ? junk : ''}`;
      });
    fc.assert(
      fc.property(text, (t) => {
        const expected = exact(t);
        const r = scan(t);
        if (r.verdict === LineVerdict.Unusual) return true;
        if (r.verdict === LineVerdict.Blank) return false;
        return expected.parses && expected.observation !== undefined && isSame(r, expected.observation);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a line with the shape of the line before by its values alone, as it reads a line on its own', () => {
    const scanner = new FieldScanner(MAPPING);
    const lines = [
      '{"_id": "a:1", "coin_id": "btc", "timestamp": {"$date": "2024-01-01T00:00:00Z"}, "volume": 12.5, "price": 3}',
      '{"_id": "a:2", "coin_id": "eth", "timestamp": {"$date": "2024-01-01T00:00:00Z"}, "volume": 7, "price": 4}',
      '{"_id": "a:3", "coin_id": "eth", "timestamp": {"$date": "2024-01-01T01:00:00Z"}, "volume": null, "price": "x"}',
      '{"_id": 4, "coin_id": "btc", "timestamp": {"$date": "2024-01-01T01:00:00Z"}, "volume": 1, "price": 2}',
      '{"_id": "a:5", "coin_id": "btc", "timestamp": {"$date": "2024-01-01T01:00:00Z"}, "volume": 1, "price": 2} ',
    ];
    expect(lines.map((l) => scan(l, scanner))).toEqual(lines.map((l) => scan(l)));
    // Lines 2 to 4 have the first line's shape (a skipped value may be of any type); 5 has a space more.
    expect(scanner.shapedLines).toBe(3);
    expect(scan(lines[2]!, scanner).values).toEqual([Number.NaN, Number.NaN]);
  });

  it('agrees line by line with a scanner that sees each line alone, over runs of lines of one shape', () => {
    const metric = fc.oneof(
      { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
      { weight: 2, arbitrary: fc.integer().map((i) => i * 1001) },
      { weight: 1, arbitrary: fc.constantFrom(null, '7', true, [1], { $numberInt: '3' }) },
    );
    const time = fc.oneof(
      fc.constantFrom('2024-01-01T00:00:00Z', '2024-01-01T05:00:00.250Z', '2024-02-30T00:00:00Z', 'x'),
      fc.constantFrom('2024-01-01T00:00:00Z', '2024-01-01T05:00:00.250+01:00').map(($date) => ({ $date })),
      fc.constantFrom(1704067200000, -1),
    );
    const doc = fc.record({
      _id: fc.oneof(fc.string({ maxLength: 12 }), fc.integer()),
      coin_id: fc.oneof(fc.constantFrom('btc', 'eth', 'asset-0001'), fc.string({ maxLength: 5 })),
      timestamp: time,
      volume: metric,
      price: metric,
    });
    fc.assert(
      fc.property(shapedLineRuns(doc, 12), (lines) => {
        const scanner = new FieldScanner(MAPPING);
        return lines.every((l) => {
          const alone = scan(l);
          const after = scan(l, scanner);
          return (
            after.verdict === alone.verdict &&
            (alone.verdict !== LineVerdict.Observation || sameRead(after, alone))
          );
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('reads runs of digits of every length next to the bytes just above and below the digits', () => {
    const scanner = new FieldScanner(MAPPING);
    for (let digits = 1; digits <= 22; digits++) {
      const text = '9876543210123456789012'.slice(0, digits);
      for (const number of [text, `0.${text}`, `-${text}.${text}`, `${text}e-3`]) {
        const r = scan(line(`"volume": ${number}`), scanner);
        expect(Object.is(r.values![0], Number(number))).toBe(true);
      }
      for (const after of ['/', ':', '?', '@', '\u007f']) {
        expect(scan(line(`"volume": ${text}${after}`), scanner).verdict).toBe(LineVerdict.Unusual);
      }
    }
  });

  it.each(
    Object.freeze([
      ['dotted paths', { ...MAPPING, metrics: ['metrics.volume'] }, false],
      ['a repeated field', { ...MAPPING, metrics: ['volume', 'volume'] }, false],
      ['the asset among the metrics', { ...MAPPING, metrics: ['coin_id'] }, false],
      ['a quote in a field', { ...MAPPING, metrics: ['vol"ume'] }, false],
      ['plain keys', MAPPING, true],
    ] as const),
  )('scans mappings with %s: %s', (_name, mapping, expected) => {
    expect(canScanFields(mapping)).toBe(expected);
  });
});

function sameRead(a: ReturnType<typeof scan>, b: ReturnType<typeof scan>): boolean {
  return (
    a.asset === b.asset &&
    Object.is(a.time, b.time) &&
    a.values!.length === b.values!.length &&
    a.values!.every((v, i) => Object.is(v, b.values![i]))
  );
}

function isSame(r: ReturnType<typeof scan>, o: { asset: string; time: number; values: number[] }): boolean {
  return (
    r.asset === o.asset &&
    Object.is(r.time, o.time) &&
    r.values!.length === o.values.length &&
    // The series builder stores a non-finite value as NaN, as the reader returns it.
    r.values!.every((v, i) => Object.is(Number.isFinite(v) ? v : Number.NaN, o.values[i]))
  );
}
