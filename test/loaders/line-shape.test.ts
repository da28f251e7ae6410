import { describe, expect, it } from 'vitest';
import { LineShape, MAX_SHAPE_VALUES } from '../../lambdas/loaders/line-shape.ts';

/** A line's bytes with its newline, a view of them, and the position of the newline. */
function bytesOf(line: string) {
  const b = Buffer.from(`${line}\n`, 'latin1');
  return { b, view: new DataView(b.buffer, b.byteOffset, b.byteLength), limit: line.length };
}

// {"a": 1, "bb": "xyz"}: values at [6, 7) and [15, 20).
const LINE = '{"a": 1, "bb": "xyz"}';
const learnt = () => {
  const { b, view, limit } = bytesOf(LINE);
  return LineShape.learn(view, b, 0, Int32Array.of(6, 15), Int32Array.of(7, 20), 2, limit)!;
};

describe('LineShape', () => {
  it('matches each literal run of a line with other values and gives the position after it', () => {
    const shape = learnt();
    const { b, view, limit } = bytesOf('{"a": 12345, "bb": 7}');
    expect(shape.values).toBe(2);
    expect(shape.literal(view, b, 0, limit, 0)).toBe(6);
    expect(shape.literal(view, b, 11, limit, 1)).toBe(19);
    expect(shape.literal(view, b, 20, limit, 2)).toBe(21);
  });

  it.each(
    Object.freeze([
      ['a different key', '{"c": 1, "bb": "xyz"}', 0, 0],
      ['other spacing, in the last bytes of the run', '{"a":1, "bb": "xyz"}', 0, 0],
      ['a different byte in a whole word', '{"a": 1, "bc": "xyz"}', 7, 1],
      ['the line ending first', '{"a": 1', 7, 1],
    ] as const),
  )('finds no match for %s', (_name, line, at, run) => {
    const { b, view, limit } = bytesOf(line);
    expect(learnt().literal(view, b, at, limit, run)).toBe(-1);
  });

  it('keeps no shape whose literal bytes read as a NaN, which would match no line', () => {
    // Bytes 6 and 7 of the first chunk, 0xff and 0x7f, make its exponent all ones.
    const { b, view, limit } = bytesOf('{"abcd\xff\x7f": 1}');
    expect(LineShape.learn(view, b, 0, Int32Array.of(11), Int32Array.of(12), 1, limit)).toBeNull();
  });

  it('text(start, end) recognises the same bytes elsewhere, and nothing longer, shorter or different', () => {
    const { b, view } = bytesOf('"2024-01-01T05:00:00Z"');
    const time = LineShape.text(view, b, 1, 21)!;
    const other = bytesOf('x"2024-01-01T05:00:00Z" "2024-01-01T06:00:00Z"');
    expect(time.literal(other.view, other.b, 2, other.limit, 0)).toBe(22);
    expect(time.literal(other.view, other.b, 25, other.limit, 0)).toBe(-1);
    expect(time.literal(other.view, other.b, 30, other.limit, 0)).toBe(-1);
  });

  it(`keeps no shape of a line with more than ${MAX_SHAPE_VALUES} values`, () => {
    const { b, view, limit } = bytesOf(LINE);
    const many = new Int32Array(MAX_SHAPE_VALUES + 1);
    expect(LineShape.learn(view, b, 0, many, many, MAX_SHAPE_VALUES + 1, limit)).toBeNull();
  });

  it('run(k) gives back the bytes of each literal run, of every length from 0 to 40', () => {
    for (let length = 0; length <= 40; length++) {
      // One value between two runs of `length` and `length + 3` bytes.
      const head = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN'.slice(0, length);
      const tail = `${head}xyz`;
      const { b, view } = bytesOf(`${head}1${tail}`);
      const shape = LineShape.learn(
        view,
        b,
        0,
        Int32Array.of(length),
        Int32Array.of(length + 1),
        1,
        b.length - 1,
      )!;
      expect(Buffer.from(shape.run(0)).toString('latin1')).toBe(head);
      expect(Buffer.from(shape.run(1)).toString('latin1')).toBe(tail);
    }
  });
});
