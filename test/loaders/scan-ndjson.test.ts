import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { FieldMapping } from '../../lambdas/core/document-reader.ts';
import { SeriesBuilder } from '../../lambdas/core/series.ts';
import { loadSeries, loadSeriesPart, readExactly } from '../../lambdas/loaders/load-series.ts';
import { canScanNdjson } from '../../lambdas/loaders/scan-ndjson.ts';
import { DIFF_METRICS, randomDocuments } from '../differential/random-documents.ts';

const dir = mkdtempSync(join(tmpdir(), 'riskfence-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAPPING = Object.freeze({
  assetField: 'coin_id',
  timeField: 'timestamp',
  metrics: Object.freeze(['volume', 'price']),
});

let files = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `input-${files++}.ndjson`);
  writeFileSync(path, content);
  return path;
}

/** The exact path's result over the same input: JSON.parse per line. */
async function exactly(
  path: string,
  mapping: FieldMapping = MAPPING,
  range?: { start: number; end: number },
) {
  const builder = new SeriesBuilder(mapping.metrics);
  const pass = await readExactly(path, mapping, range ? { range } : {}, builder, 0);
  return { set: builder.build(), ...pass };
}

const doc = (asset: string, hour: number, volume: unknown, price: unknown = 1) =>
  JSON.stringify({
    _id: { $oid: `65${String(hour).padStart(22, '0')}` },
    coin_id: asset,
    timestamp: { $date: new Date(Date.UTC(2024, 0, 1, hour)).toISOString().replace('.000Z', 'Z') },
    volume,
    price,
  });

const PLAIN = Array.from({ length: 30 }, (_, h) => doc(h % 2 ? 'btc' : 'eth', h, h * 1.5, h % 5 ? 2 : null));

describe.each(
  Object.freeze([
    ['with its WebAssembly kernel', true],
    ['with the JavaScript scanner alone', false],
  ] as const),
)('scanNdjson %s', (_name, fieldScanKernel) => {
  it.each(
    Object.freeze([
      ['plain mongoexport lines', `${PLAIN.join('\n')}\n`],
      ['no newline after the last line', PLAIN.join('\n')],
      [
        'CRLF line ends, blank and whitespace lines',
        `\r\n${PLAIN.slice(0, 5).join('\r\n')}\r\n  \r\n\t\n\n${PLAIN[6]}`,
      ],
      ['a byte-order mark before the first line', `\uFEFF${PLAIN.join('\n')}`],
      ['a byte-order mark starting a later line', `${PLAIN[0]}\n\uFEFF${PLAIN[1]}\n${PLAIN[2]}`],
      [
        'unusual lines among plain ones',
        [
          PLAIN[0],
          '{"coin_id": "btc", "timestamp": {"$date": {"$numberLong": "1704067200000"}}, "volume": {"$numberDouble": "2.5"}}',
          'not json',
          '[1, 2]',
          '{"coin_id": "", "timestamp": "2024-01-01"}',
          '{"coin_id": "btc", "timestamp": "2024-02-30"}',
          PLAIN[1],
          '{"coin_id": "bitcoïn", "timestamp": "2024-01-01T03:00:00Z", "volume": 3}',
          '{"coin_id": "btc", "timestamp": "2024-01-01T04:00:00Z", "volume": 1, "volume": 9}',
          `{"coin_id": "btc", "timestamp": "2024-01-01T05:00:00Z", "deep": ${'['.repeat(50)}${']'.repeat(50)}}`,
          '\v',
          PLAIN[2],
        ].join('\n'),
      ],
      [
        'more unusual lines than are handed over one by one',
        [...PLAIN, ...PLAIN.map((l) => `${l} x`), ...PLAIN].join('\n'),
      ],
      [
        'a line longer than the scanner reads whole',
        `${PLAIN[0]}\n${doc('btc', 40, 1, 'x'.repeat(1_500_000))}\n${PLAIN[1]}\n`,
      ],
      ['an empty file', ''],
      [
        'lines of one shape whose numbers all have exponents, then plain ones',
        [
          ...Array.from({ length: 3000 }, (_, h) =>
            doc('btc', h, 1).replace('"volume":1,', `"volume":${h}.5e-3,`),
          ),
          ...PLAIN,
        ].join('\n'),
      ],
    ] as const),
  )('gives exactly what the exact path gives for %s', async (_name, content) => {
    const path = file(content);
    expect(canScanNdjson(path, MAPPING, {})).toBe(true);
    expect(await loadSeriesPart(path, MAPPING, { fieldScanKernel })).toEqual(await exactly(path));
  });

  it('counts the lines of an all-blank input as the exact path does, and nothing else', async () => {
    const path = file('\n \n\t\n');
    expect(await loadSeriesPart(path, MAPPING, { fieldScanKernel })).toEqual(await exactly(path));
    expect((await loadSeriesPart(path, MAPPING, { fieldScanKernel })).lines).toBe(3);
  });

  it('gives exactly what the exact path gives over a byte range, line numbers counted from its start', async () => {
    const content = [...PLAIN.slice(0, 10), 'bad', ...PLAIN.slice(10)].join('\n');
    const path = file(content);
    const start = content.indexOf(PLAIN[5]!);
    const end = content.indexOf(PLAIN[20]!);
    const fast = await loadSeriesPart(path, MAPPING, { range: { start, end }, fieldScanKernel });
    expect(fast).toEqual(await exactly(path, MAPPING, { start, end }));
    expect(fast.problems.map((p) => p.line)).toEqual([6]);
  });

  it('leaves inputs it cannot read exactly to the exact path: dotted paths, ids kept, stdin, other formats', () => {
    const path = file(PLAIN.join('\n'));
    expect(canScanNdjson(path, { ...MAPPING, metrics: ['a.volume'] }, {})).toBe(false);
    expect(canScanNdjson(path, MAPPING, { keepIds: true })).toBe(false);
    expect(canScanNdjson('-', MAPPING, { format: 'ndjson' })).toBe(false);
    expect(canScanNdjson(join(dir, 'x.json'), MAPPING, {})).toBe(false);
    expect(canScanNdjson(join(dir, 'x.txt'), MAPPING, { format: 'ndjson' })).toBe(true);
  });

  it('reports a missing file in the exact path words', async () => {
    const missing = join(dir, 'missing.ndjson');
    await expect(loadSeriesPart(missing, MAPPING, { fieldScanKernel })).rejects.toThrow(
      `cannot read ${missing}: no such file`,
    );
  });

  it('joins parallel parts into what one exact pass over the whole file gives', async () => {
    const lines = Array.from({ length: 4000 }, (_, i) =>
      i % 997 === 5 ? 'bad line' : doc(`a${i % 7}`, i, (i * 7919) % 101, i % 13 ? i / 3 : 'x'),
    );
    const path = file(lines.join('\n'));
    const parallel = await loadSeries(path, MAPPING, { workers: 3, fieldScanKernel });
    const whole = await exactly(path);
    expect(parallel.set).toEqual(whole.set);
    expect(parallel.problems).toEqual(whole.problems);
    expect(parallel.documents).toBe(whole.documents);
  });

  it('agrees with the exact path on random documents in every encoding the spec allows', async () => {
    const mapping = { assetField: 'coin_id', timeField: 'timestamp', metrics: DIFF_METRICS };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), async (seed, duplicates) => {
        const { docs } = randomDocuments({ seed, duplicates });
        const path = file(`${docs.map((d) => JSON.stringify(d)).join('\n')}\n`);
        expect(await loadSeriesPart(path, mapping, { fieldScanKernel })).toEqual(
          await exactly(path, mapping),
        );
      }),
      { numRuns: 25 },
    );
  });
});
