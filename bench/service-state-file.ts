import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';

/** Rows per buffer when a state file is written or read: keeps the buffer small next to what is measured. */
const ROWS_PER_CHUNK = 16_384;

/**
 * What a benchmark store keeps between two runs (the flags written and the
 * run summaries), saved by the first run's process and loaded by the next
 * run's, so each run's peak RSS is its own: numeric rows in a binary file
 * `PATH.rows`, the small rest as JSON in `PATH`.
 */
export interface StateFile<Meta> {
  readonly meta: Meta;
  /** Numbers per row. */
  readonly width: number;
}

/**
 * Writes a state file: `meta` as JSON and the rows, streamed in small chunks.
 *
 * @param path - the JSON file; rows go to `path + '.rows'`
 * @param meta - JSON-serialisable state
 * @param width - numbers per row
 * @param rows - the rows, each `width` numbers long
 *
 * @example
 * saveState('/tmp/state.json', { runs: [] }, 2, [[1, 2], [3, 4]]);
 */
export function saveState<Meta>(
  path: string,
  meta: Meta,
  width: number,
  rows: Iterable<readonly number[]>,
): void {
  writeFileSync(path, JSON.stringify({ meta, width } satisfies StateFile<Meta>));
  const fd = openSync(`${path}.rows`, 'w');
  try {
    const buffer = new Float64Array(ROWS_PER_CHUNK * width);
    let n = 0;
    const flush = () => {
      writeSync(fd, new Uint8Array(buffer.buffer, 0, n * 8));
      n = 0;
    };
    for (const row of rows) {
      for (let i = 0; i < width; i++) buffer[n++] = row[i]!;
      if (n === buffer.length) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a state file written by {@link saveState}: `restore` gets the JSON part
 * first and returns what takes each row (the row array is reused: copy what
 * you keep).
 *
 * @example
 * loadState<{ runs: [] }>('/tmp/state.json', (meta) => (row) => table.add(row));
 */
export function loadState<Meta>(path: string, restore: (meta: Meta) => (row: Float64Array) => void): void {
  const { meta, width } = JSON.parse(readFileSync(path, 'utf8')) as StateFile<Meta>;
  const onRow = restore(meta);
  const fd = openSync(`${path}.rows`, 'r');
  try {
    const buffer = new Float64Array(ROWS_PER_CHUNK * width);
    const bytes = new Uint8Array(buffer.buffer);
    let carry = 0;
    for (;;) {
      const read = readSync(fd, bytes, carry, bytes.length - carry, null);
      const filled = carry + read;
      const rows = Math.floor(filled / (width * 8));
      for (let r = 0; r < rows; r++) onRow(buffer.subarray(r * width, (r + 1) * width));
      carry = filled - rows * width * 8;
      if (carry > 0) bytes.copyWithin(0, rows * width * 8, filled);
      if (read === 0) break;
    }
  } finally {
    closeSync(fd);
  }
}
