import { describe, expect, it } from 'vitest';
import { CsvRecords, csvCell, splitCsvRecord } from '../../lambdas/loaders/csv-records.ts';
import { JsonArraySplitter } from '../../lambdas/loaders/json-array-splitter.ts';
import { LineSplitter } from '../../lambdas/loaders/line-splitter.ts';

/** Feeds `text` cut at `cut` (and at the end) to a chunk consumer. */
function feedCut(text: string, cut: number, push: (t: string) => void, end: () => void): void {
  push(text.slice(0, cut));
  push(text.slice(cut));
  end();
}

describe('LineSplitter', () => {
  const text = 'one\r\ntwo\n\nthree four\nlast';
  const expected = [
    ['one', 1],
    ['two', 2],
    ['', 3],
    ['three four', 4],
    ['last', 5],
  ];
  it('yields the same numbered lines wherever the chunks are cut', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      const lines: [string, number][] = [];
      const s = new LineSplitter((t, n) => lines.push([t, n]));
      feedCut(
        text,
        cut,
        (t) => s.push(t),
        () => s.end(),
      );
      expect(lines, `cut at ${cut}`).toEqual(expected);
    }
  });
});

describe('JsonArraySplitter', () => {
  const text = '[\n {"a": "x,]}\\"\\\\"}, {"b": [1, {"c": 2}]},\n  3 , "s" ]  \n';
  it('yields the same elements and lines wherever the chunks are cut', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      const elements: [unknown, number][] = [];
      const problems: unknown[] = [];
      const s = new JsonArraySplitter(
        (t, n) => elements.push([JSON.parse(t), n]),
        (n, r) => problems.push([n, r]),
      );
      feedCut(
        text,
        cut,
        (t) => s.push(t),
        () => s.end(),
      );
      expect(problems, `cut at ${cut}`).toEqual([]);
      expect(elements, `cut at ${cut}`).toEqual([
        [{ a: 'x,]}"\\' }, 2],
        [{ b: [1, { c: 2 }] }, 2],
        [3, 3],
        ['s', 3],
      ]);
    }
  });

  it.each([
    ['{"a": 1}', 'expected a JSON array'],
    ['[1] x', 'unexpected text after the JSON array'],
    ['[1,', 'unterminated JSON array'],
  ])('reports the structural problem of %j', (text, reason) => {
    const problems: string[] = [];
    const s = new JsonArraySplitter(
      () => {},
      (_, r) => problems.push(r),
    );
    s.push(text);
    s.end();
    expect(problems).toEqual([reason]);
  });
});

describe('CSV', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    [' a , b ,', ['a', 'b', '']],
    ['"a, b","say ""hi""",c', ['a, b', 'say "hi"', 'c']],
    ['" padded ",x', [' padded ', 'x']],
    ['"multi\nline",2', ['multi\nline', '2']],
    ['"open,2', null],
    ['', ['']],
  ])('splitCsvRecord(%j) is %j', (text, cells) => {
    expect(splitCsvRecord(text)).toEqual(cells);
  });

  it.each([
    ['', null],
    ['12', 12],
    ['-1.5e3', -1500],
    ['.5', 0.5],
    ['+7', 7],
    ['NaN', 'NaN'],
    ['inf', 'inf'],
    ['1,5', '1,5'],
    ['0x10', '0x10'],
    ['2024-01-01', '2024-01-01'],
    ['bitcoin', 'bitcoin'],
  ])('csvCell(%j) is %j', (text, value) => {
    expect(csvCell(text)).toEqual(value);
  });

  it('keys rows by trimmed header names, dotted names kept literally', () => {
    const rows: unknown[] = [];
    const csv = new CsvRecords(
      (doc, line) => rows.push([doc, line]),
      () => {},
    );
    csv.onLine(' coin_id ,metrics.volume', 1);
    csv.onLine('btc,5', 2);
    csv.end();
    expect(rows).toEqual([[{ coin_id: 'btc', 'metrics.volume': 5 }, 2]]);
  });
});
