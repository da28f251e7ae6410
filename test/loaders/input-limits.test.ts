import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lambdas/cli/command.ts';
import { CsvRecords } from '../../lambdas/loaders/csv-records.ts';
import { JsonArraySplitter } from '../../lambdas/loaders/json-array-splitter.ts';
import { LineSplitter, MAX_RECORD_CHARS, tooLongReason } from '../../lambdas/loaders/line-splitter.ts';
import { MAX_NESTING_DEPTH, readDocuments } from '../../lambdas/loaders/read-documents.ts';
import { MAX_PROBLEMS, streamRecords } from '../../lambdas/loaders/record-stream.ts';

const dir = mkdtempSync(join(tmpdir(), 'riskfence-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const DOC = '{"coin_id":"b","timestamp":"2022-05-01T00:00:00Z","volume":1}';

describe('LineSplitter line limit', () => {
  const split = (chunks: readonly string[], max: number) => {
    const lines: [string, number][] = [];
    const tooLong: number[] = [];
    const s = new LineSplitter((t, n) => lines.push([t, n]), {
      maxLineChars: max,
      onTooLong: (n) => tooLong.push(n),
    });
    for (const c of chunks) s.push(c);
    s.end();
    return { lines, tooLong };
  };

  it.each([
    ['inside one chunk', ['ab\nxxxxxx\ncd\n']],
    ['spread over chunks', ['ab\nxx', 'xx', 'xx\ncd\n']],
    ['one character per chunk', [...'ab\nxxxxxx\ncd\n']],
    ['at the end without a newline', ['ab\ncd\nxxxxxx']],
  ])('reports a line longer than the limit %s by its number and keeps counting', (_, chunks) => {
    const { lines, tooLong } = split(chunks, 5);
    expect(tooLong).toEqual([chunks.join('').indexOf('x') === 3 ? 2 : 3]);
    expect(lines.map(([t]) => t)).toEqual(['ab', 'cd']);
  });

  it('keeps a line of exactly the limit', () => {
    expect(split(['12345\n123456\n'], 5)).toEqual({ lines: [['12345', 1]], tooLong: [2] });
  });

  it('holds at most the limit while an endless line streams past', () => {
    const s = new LineSplitter(() => {}, { maxLineChars: 1000, onTooLong: () => {} });
    const chunk = 'x'.repeat(64 * 1024);
    // 2^16 chunks of 64 Ki characters: 4 Gi characters, twice the longest string V8 can build.
    for (let i = 0; i < 1 << 16; i++) s.push(chunk);
    s.end();
    expect(s.lines).toBe(1);
  });

  it('names the limit in MiB and characters', () => {
    expect(tooLongReason('line', MAX_RECORD_CHARS)).toBe(
      'line longer than 16 MiB (16777216 characters); skipped',
    );
  });
});

describe('JsonArraySplitter element limit', () => {
  it.each([1, 3, 7, 100])(
    'skips an element longer than the limit, with its line, cut every %i characters',
    (cut) => {
      const text = '[{"a":1},\n{"b":"xxxxxxxxxxxxxxxxxxxxxxx"},\n{"c":3}]';
      const elements: [string, number][] = [];
      const problems: [number, string][] = [];
      const s = new JsonArraySplitter(
        (t, n) => elements.push([t, n]),
        (n, r) => problems.push([n, r]),
        20,
      );
      for (let i = 0; i < text.length; i += cut) s.push(text.slice(i, i + cut));
      s.end();
      expect(elements).toEqual([
        ['{"a":1}', 1],
        ['{"c":3}', 3],
      ]);
      expect(problems).toEqual([[2, 'JSON array element longer than 20 characters; skipped']]);
    },
  );
});

describe('CsvRecords record limit', () => {
  it('drops a record whose quoted cell never closes once it passes the limit, then reads on', () => {
    const docs: unknown[] = [];
    const problems: [number, string][] = [];
    const rows = new CsvRecords(
      (d) => docs.push(d),
      (n, r) => problems.push([n, r]),
      30,
    );
    const lines = new LineSplitter(rows.onLine, { onTooLong: rows.onTooLong });
    lines.push('a,b\n1,"open\nmore text\nand more text\nstill more\n2,3\n');
    lines.end();
    rows.end();
    expect(problems).toEqual([
      [2, 'CSV record (an unclosed quote?) longer than 30 characters; skipped'],
      [5, 'expected 2 CSV fields, found 1'],
    ]);
    expect(docs).toEqual([{ a: 2, b: 3 }]);
  });

  it('reads past a quoted cell open over many lines of escaped quotes in linear time', () => {
    const docs: unknown[] = [];
    const rows = new CsvRecords(
      (d) => docs.push(d),
      () => {},
    );
    const lines = new LineSplitter(rows.onLine, { onTooLong: rows.onTooLong });
    lines.push('a,b\n1,"open');
    // 200,000 lines of `""`: re-splitting the growing record on each would scan it 200,000 times.
    for (let i = 0; i < 200_000; i++) lines.push('\nsay ""hi""');
    lines.push('\nend"\n2,3\n');
    lines.end();
    rows.end();
    expect(docs).toHaveLength(2);
    expect((docs[0] as { b: string }).b.endsWith('say "hi"\nend')).toBe(true);
  });

  it('keeps a __proto__ column as a plain key, as JSON.parse does, without touching the prototype', () => {
    const docs: Record<string, unknown>[] = [];
    const rows = new CsvRecords(
      (d) => docs.push(d),
      () => {},
    );
    rows.onLine('__proto__,x', 1);
    rows.onLine(',1', 2);
    expect(Object.getPrototypeOf(docs[0])).toBe(Object.prototype);
    expect(Object.keys(docs[0]!)).toEqual(['__proto__', 'x']);
    expect(Object.getOwnPropertyDescriptor(docs[0], '__proto__')?.value).toBeNull();
  });
});

describe('streamRecords on hostile inputs', () => {
  const problemsOf = async (name: string, content: string | Buffer) => {
    const docs: unknown[] = [];
    const { problems } = await streamRecords(file(name, content), {}, (d) => {
      docs.push(d);
      return undefined;
    });
    return { docs, problems: problems.map((p) => [p.line, p.reason]) };
  };

  it('skips a line longer than 16 MiB with its number and reads the lines after it', async () => {
    const long = `{"x":"${'a'.repeat(MAX_RECORD_CHARS)}"}`;
    const { docs, problems } = await problemsOf('long.ndjson', `${DOC}\n${long}\n${DOC}\n`);
    expect(docs).toHaveLength(2);
    expect(problems).toEqual([[2, tooLongReason('line', MAX_RECORD_CHARS)]]);
  });

  it.each([
    ['.ndjson', 'deep.ndjson'],
    ['.json array element', 'deep.json'],
  ])(
    'describes a value nested 100,000 levels deep (%s) by its kind and text, without serialising it',
    async (_, name) => {
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const { problems } = await problemsOf(name, name.endsWith('.json') ? `[${deep}]` : `${deep}\n`);
      expect(problems).toEqual([[1, expect.stringMatching(/^not a JSON object: an array, "\[{40}"…$/)]]);
    },
  );

  it.each([
    ['a number', '5\n', 'a number, "5"'],
    ['null', 'null\n', 'null, "null"'],
    ['a string', '"abc"\n', 'a string, "\\"abc\\""'],
    ['a boolean', 'true\n', 'a boolean, "true"'],
  ])('reports a line holding %s as not a JSON object', async (_, content, said) => {
    const { problems } = await problemsOf('scalar.ndjson', content);
    expect(problems).toEqual([[1, `not a JSON object: ${said}`]]);
  });

  it('escapes terminal control sequences that the JSON parser quotes from the line', async () => {
    const { problems } = await problemsOf('escape.ndjson', '\u001b[2J\u001b[31mred{\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]![1]).toMatch(/^invalid JSON: .*\\u001b\[2J/);
    expect(problems[0]![1]).not.toMatch(/\p{Cc}/u);
  });

  it.each([
    [
      'UTF-16LE with a byte-order mark',
      Buffer.from(`\uFEFF${DOC}\n`, 'utf16le'),
      /UTF-16 text; convert it to UTF-8/,
    ],
    ['UTF-16LE without a mark', Buffer.from(`${DOC}\n`, 'utf16le'), /not text \(a NUL byte at offset 1/],
    ['gzip', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), /gzip-compressed/],
    ['zeros', Buffer.alloc(100_000), /not text \(a NUL byte at offset 0/],
  ])('refuses %s input as a whole, naming the file', async (_, content, reason) => {
    const path = file('not-text.ndjson', content);
    await expect(streamRecords(path, {}, () => undefined)).rejects.toThrow(
      expect.objectContaining({ name: 'InputError', message: expect.stringMatching(reason) }),
    );
    await expect(streamRecords(path, {}, () => undefined)).rejects.toThrow(`cannot read ${path}: `);
  });

  it('reads past a NUL byte after the first 8000 bytes as a bad line', async () => {
    const lines = Array.from({ length: 200 }, () => DOC);
    const { docs, problems } = await problemsOf('late-nul.ndjson', `${lines.join('\n')}\n{"a":\u0000}\n`);
    expect(docs).toHaveLength(200);
    expect(problems).toEqual([[201, expect.stringMatching(/^invalid JSON: /)]]);
  });

  it('reports a failing stdin as an input error naming it', async () => {
    const failing = new Readable({
      read() {
        this.destroy(
          Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' }),
        );
      },
    });
    await expect(streamRecords('-', { stdin: failing }, () => undefined)).rejects.toThrow(
      new InputError('cannot read <stdin>: it is a directory'),
    );
  });

  it('refuses endless zeros on stdin at once', async () => {
    const zeros = Readable.from(
      (function* () {
        for (;;) yield Buffer.alloc(65_536);
      })(),
    );
    await expect(streamRecords('-', { stdin: zeros }, () => undefined)).rejects.toThrow(
      /cannot read <stdin>: it is not text/,
    );
  });

  it('reads blank lines longer in all than any record as NDJSON, numbering the lines after them', async () => {
    const blankLines = MAX_RECORD_CHARS / 4 + 10;
    const { problems } = await problemsOf('blank.ndjson', `${'   \n'.repeat(blankLines)}${DOC}\n{bad\n`);
    expect(problems).toEqual([[blankLines + 2, expect.stringMatching(/^invalid JSON/)]]);
  });

  it('hints at one document per line when a line holds only the opening brace of a pretty-printed one', async () => {
    const { problems } = await problemsOf('pretty.json', '{\n  "coin_id": "b"\n}\n');
    expect(problems[0]).toEqual([
      1,
      expect.stringMatching(
        /\(a document spread over lines\? NDJSON needs one per line; or give a JSON array\)$/,
      ),
    ]);
    expect(problems.slice(1).map(([, r]) => r)).not.toContainEqual(
      expect.stringMatching(/spread over lines/),
    );
  });

  it(`refuses an input once ${MAX_PROBLEMS} lines are skipped and fewer documents read`, async () => {
    const path = file('not-ndjson.ndjson', `{"a":1}\n${'x\n'.repeat(MAX_PROBLEMS + 10)}`);
    await expect(streamRecords(path, {}, () => undefined)).rejects.toThrow(
      new InputError(
        `${path}: not read as ndjson: ${MAX_PROBLEMS} lines or documents skipped and 1 read (the first: invalid JSON: Unexpected token 'x', "x" is not valid JSON)`,
      ),
    );
  });

  it(`reads on past ${MAX_PROBLEMS} skipped lines while more documents than that were read`, async () => {
    const { docs, problems } = await problemsOf(
      'mostly-good.ndjson',
      '{"a":1}\n{bad\n'.repeat(MAX_PROBLEMS + 10),
    );
    expect([docs.length, problems.length]).toEqual([MAX_PROBLEMS + 10, MAX_PROBLEMS + 10]);
  });

  it('reads CRLF lines and a UTF-8 byte-order mark', async () => {
    const { docs, problems } = await problemsOf('crlf.ndjson', `\uFEFF${DOC}\r\n${DOC}\r\n`);
    expect([docs.length, problems]).toEqual([2, []]);
  });
});

describe('readDocuments nesting limit', () => {
  const nested = (levels: number) => `{"coin_id":"b","x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;

  it(`keeps a document nested ${MAX_NESTING_DEPTH} levels deep and skips one nested ${MAX_NESTING_DEPTH + 1} or 100,000 levels deep`, async () => {
    const path = file('nested.ndjson', `${nested(100)}\n${nested(101)}\n${nested(100_000)}\n`);
    const { documents, lines, problems } = await readDocuments(path);
    expect(lines).toEqual([1]);
    expect(documents).toHaveLength(1);
    expect(problems.map((p) => [p.line, p.reason])).toEqual([
      [2, "nested more than 100 levels deep (MongoDB's limit for a document)"],
      [3, "nested more than 100 levels deep (MongoDB's limit for a document)"],
    ]);
  });

  it('counts objects and arrays alike', async () => {
    const objects = `{"coin_id":"b","x":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`;
    const { documents, problems } = await readDocuments(file('objects.ndjson', `${objects}\n`));
    expect([documents.length, problems.length]).toEqual([0, 1]);
  });
});
