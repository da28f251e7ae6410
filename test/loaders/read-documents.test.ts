import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lambdas/cli/command.ts';
import { formatProblem } from '../../lambdas/loaders/input-problem.ts';
import { readDocuments } from '../../lambdas/loaders/read-documents.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'loaders');
const fixture = (name: string) => join(FIXTURES, name);
const dir = mkdtempSync(join(tmpdir(), 'riskfence-loaders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readDocuments', () => {
  it('reads NDJSON keeping Extended JSON values as they are', async () => {
    const { documents, lines, problems, format } = await readDocuments(fixture('canonical.ndjson'));
    expect(format).toBe('ndjson');
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(12);
    expect(lines).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(documents[0]).toMatchObject({
      _id: { $oid: '65a1b2c3d4e5f6a7b8c9d000' },
      timestamp: { $date: { $numberLong: '1704067200000' } },
      latest_price: { $numberDouble: '1.5' },
    });
  });

  it('reads a JSON array with the line each element starts on', async () => {
    const { documents, lines, format } = await readDocuments(fixture('observations.json'));
    expect(format).toBe('json');
    expect(documents).toHaveLength(24);
    expect(lines.slice(0, 3)).toEqual([2, 3, 4]);
  });

  it('reads the same documents from NDJSON and from a JSON array', async () => {
    const ndjson = await readDocuments(fixture('observations.ndjson'));
    const array = await readDocuments(fixture('observations.json'));
    expect(array.documents).toEqual(ndjson.documents);
  });

  it('reads CSV with trimmed headers, quoted cells and typed values', async () => {
    const { documents, format, problems } = await readDocuments(fixture('observations.csv'));
    expect(format).toBe('csv');
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(24);
    expect(documents[3]).toEqual({
      _id: 'bitcoin:3',
      coin_id: 'bitcoin',
      timestamp: '2024-01-01T03:00:00Z',
      'metrics.volume': 11,
      latest_price: 1.5,
      note: 'said "hi"',
    });
    expect(documents[5]).toMatchObject({ latest_price: null, note: null });
    expect(documents[12]).toMatchObject({ coin_id: 'ether, classic', _id: 'ether, classic:0' });
  });

  it('reports malformed lines with file:line and skips them, never failing', async () => {
    const path = fixture('malformed.ndjson');
    const { documents, lines, problems } = await readDocuments(path);
    expect(lines).toEqual([1, 5, 6, 7, 8]);
    expect(documents).toHaveLength(5);
    expect(problems.map((p) => [p.line, p.reason.split(':')[0]])).toEqual([
      [2, 'invalid JSON'],
      [3, 'not a JSON object'],
    ]);
    expect(formatProblem(problems[0]!)).toMatch(new RegExp(`^${path}:2: invalid JSON`));
  });

  it('handles a byte-order mark, CRLF line ends and a last line without newline', async () => {
    const path = file('crlf.ndjson', '\uFEFF{"a": 1}\r\n\r\n{"a": 2}\r\n{"a": 3}');
    const { documents, lines, problems } = await readDocuments(path);
    expect(problems).toEqual([]);
    expect(documents).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(lines).toEqual([1, 3, 4]);
  });

  it('reads a .json file that is not an array as NDJSON', async () => {
    const { documents, format } = await readDocuments(file('lines.json', '{"a": 1}\n{"a": 2}\n'));
    expect(format).toBe('ndjson');
    expect(documents).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reports bad elements of a JSON array by line and keeps the others', async () => {
    const text = '[\n{"a": 1},\n{"a": },\n,\n"text",\n{"a": "x]}"}\n]\n';
    const { documents, problems } = await readDocuments(file('bad.json', text));
    expect(documents).toEqual([{ a: 1 }, { a: 'x]}' }]);
    expect(problems.map((p) => [p.line, p.reason.split(':')[0]])).toEqual([
      [3, 'invalid JSON'],
      [4, 'empty JSON array element'],
      [5, 'not a JSON object'],
    ]);
  });

  it('reports an unterminated JSON array', async () => {
    const { documents, problems } = await readDocuments(file('open.json', '[{"a": 1},\n{"a": 2}'));
    expect(documents).toEqual([{ a: 1 }]);
    expect(problems).toMatchObject([{ line: 2, reason: 'unterminated JSON array element' }]);
  });

  it('reports CSV rows with the wrong number of cells and an open quote', async () => {
    const text = 'coin_id,volume\nbtc,1\nbtc,2,3\n"eth\nmulti",4\nbtc,"5\n';
    const { documents, lines, problems } = await readDocuments(file('bad.csv', text));
    expect(documents).toEqual([
      { coin_id: 'btc', volume: 1 },
      { coin_id: 'eth\nmulti', volume: 4 },
    ]);
    expect(lines).toEqual([2, 4]);
    expect(problems).toMatchObject([
      { line: 3, reason: 'expected 2 CSV fields, found 3' },
      { line: 6, reason: 'unterminated quoted CSV field' },
    ]);
  });

  it.each([
    ['[{"a": 1}]', 'json'],
    ['\n  {"a": 1}\n', 'ndjson'],
    ['a,b\n1,2\n', 'csv'],
  ] as const)('sniffs the format of stdin %j as %s', async (text, format) => {
    const result = await readDocuments('-', { stdin: Readable.from([Buffer.from(text)]) });
    expect(result.format).toBe(format);
    expect(result.documents).toHaveLength(1);
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('{"coin_id": "münze €"}\n');
    const chunks = Array.from(bytes, (b) => Buffer.from([b]));
    const { documents } = await readDocuments('-', { stdin: Readable.from(chunks) });
    expect(documents).toEqual([{ coin_id: 'münze €' }]);
  });

  it('lets an explicit format override the extension', async () => {
    const { documents } = await readDocuments(file('data.txt', 'a\n1\n'), { format: 'csv' });
    expect(documents).toEqual([{ a: 1 }]);
  });

  it('resolves relative paths against cwd and reports progress', async () => {
    const seen: [number, number | undefined][] = [];
    file('rel.ndjson', '{"a": 1}\n');
    const { documents } = await readDocuments('rel.ndjson', {
      cwd: dir,
      onProgress: (read, total) => seen.push([read, total]),
    });
    expect(documents).toEqual([{ a: 1 }]);
    expect(seen).toEqual([[9, 9]]);
  });

  it('throws InputError naming a missing file or a directory', async () => {
    await expect(readDocuments(join(dir, 'nope.ndjson'))).rejects.toThrow(InputError);
    await expect(readDocuments(join(dir, 'nope.ndjson'))).rejects.toThrow(/nope\.ndjson: no such file/);
    await expect(readDocuments(dir)).rejects.toThrow(/is a directory/);
  });
});
