import { type LineHandler, MAX_RECORD_CHARS, tooLongReason } from './line-splitter.ts';

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Types one CSV cell. CSV carries no types, so the loader decides: an empty
 * cell is `null` (missing), a cell that reads as a decimal number is that
 * number, and anything else — including `NaN`, `inf` and dates — stays a string
 * (the detector counts non-numbers as bad values; times are parsed later).
 *
 * @param text - the cell's text (unquoted)
 * @returns `null`, a number or the text
 *
 * @example
 * csvCell('1.5e3'); // 1500
 * csvCell('');      // null
 */
export function csvCell(text: string): string | number | null {
  if (text.length === 0) return null;
  return NUMBER_TEXT.test(text) ? Number(text) : text;
}

/**
 * Splits one CSV record (RFC 4180: `,` separated, `"` quoted, `""` an escaped
 * quote). Unquoted cells are trimmed; quoted cells are kept verbatim.
 *
 * @param text - the record; may contain newlines inside quotes
 * @returns the cells, or `null` when a quoted cell is still open at the end
 *
 * Complexity: O(length).
 *
 * @example
 * splitCsvRecord('a,"b, ""c""", d'); // ['a', 'b, "c"', 'd']
 */
export function splitCsvRecord(text: string): string[] | null {
  if (!text.includes('"')) return text.split(',').map((s) => s.trim());
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) return null;
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const comma = text.indexOf(',', i);
      // Text between a closing quote and the next comma is kept, as lenient readers (pandas) do.
      cell += (comma === -1 ? text.slice(i) : text.slice(i, comma)).trim();
      i = comma;
    } else {
      const comma = text.indexOf(',', i);
      cell = (comma === -1 ? text.slice(i) : text.slice(i, comma)).trim();
      i = comma;
    }
    cells.push(cell);
    if (i === -1) return cells;
    i++;
  }
}

/** Receives one CSV row as a document, and the line it starts on. */
export type CsvRecordHandler = (doc: Record<string, string | number | null>, line: number) => void;

/**
 * Turns CSV lines into documents keyed by the header row. Header names are
 * trimmed (`"coin_name "` becomes `coin_name`); a dotted header such as
 * `metrics.volume` stays one literal key, which dotted field paths read.
 * Quoted cells may span lines. Rows whose cell count differs from the
 * header's are reported and skipped; blank lines are skipped silently. A
 * record that spans more than `maxRecordChars` (default `MAX_RECORD_CHARS`;
 * e.g. a stray quote that never closes) is reported at its first line and
 * reading resumes on the next line.
 *
 * Complexity: O(characters); a record spanning lines is re-split only when a
 * line with an odd number of quotes joins it: every quote toggles the open
 * cell (`""` twice), so no other line can complete the record.
 *
 * @example
 * const rows = new CsvRecords((doc) => docs.push(doc), (line, reason) => problems.push({ line, reason }));
 * const lines = new LineSplitter(rows.onLine);
 */
export class CsvRecords {
  readonly #onRecord: CsvRecordHandler;
  readonly #onProblem: (line: number, reason: string) => void;
  readonly #max: number;
  #header: string[] | undefined;
  #pending = '';
  #pendingLine = 0;

  constructor(
    onRecord: CsvRecordHandler,
    onProblem: (line: number, reason: string) => void,
    maxRecordChars = MAX_RECORD_CHARS,
  ) {
    this.#onRecord = onRecord;
    this.#onProblem = onProblem;
    this.#max = maxRecordChars;
  }

  /** Feeds one line (see `LineSplitter`). */
  readonly onLine: LineHandler = (text, line) => {
    let record = text;
    let start = line;
    if (this.#pendingLine > 0) {
      record = `${this.#pending}\n${text}`;
      start = this.#pendingLine;
      if (record.length > this.#max) {
        this.#onProblem(start, tooLongReason('CSV record (an unclosed quote?)', this.#max));
        this.#pendingLine = 0;
        this.#pending = '';
        return;
      }
    } else if (text.trim().length === 0) return;
    const cells = start === line || oddQuotes(text) ? splitCsvRecord(record) : null;
    if (cells === null) {
      this.#pending = record;
      this.#pendingLine = start;
      return;
    }
    this.#pendingLine = 0;
    this.#pending = '';
    if (this.#header === undefined) {
      this.#header = cells.map((name) => name.trim());
      return;
    }
    const header = this.#header;
    if (cells.length !== header.length) {
      this.#onProblem(start, `expected ${header.length} CSV fields, found ${cells.length}`);
      return;
    }
    const doc: Record<string, string | number | null> = {};
    for (let i = 0; i < header.length; i++) {
      const key = header[i]!;
      const value = csvCell(cells[i]!);
      // Assigning `__proto__` would set the prototype (or drop the cell); JSON.parse makes it a plain key.
      if (key === '__proto__') Object.defineProperty(doc, key, { value, enumerable: true, writable: true });
      else doc[key] = value;
    }
    this.#onRecord(doc, start);
  };

  /** Reports a line too long to read (see `LineSplitterOptions.onTooLong`); a record it was part of is dropped. */
  readonly onTooLong = (line: number): void => {
    this.#onProblem(this.#pendingLine > 0 ? this.#pendingLine : line, tooLongReason('line', this.#max));
    this.#pendingLine = 0;
    this.#pending = '';
  };

  /** Reports a quoted cell left open at the end of the input. */
  end(): void {
    if (this.#pendingLine > 0) this.#onProblem(this.#pendingLine, 'unterminated quoted CSV field');
    this.#pendingLine = 0;
    this.#pending = '';
  }
}

function oddQuotes(text: string): boolean {
  let odd = false;
  for (let q = text.indexOf('"'); q !== -1; q = text.indexOf('"', q + 1)) odd = !odd;
  return odd;
}
