import { InputError } from '../cli/command.ts';
import { escapeControl, quoteInput } from '../core/quote-input.ts';
import { CsvRecords } from './csv-records.ts';
import { formatFromPath, InputFormat, sniffFormat } from './input-format.ts';
import type { InputProblem } from './input-problem.ts';
import { JsonArraySplitter } from './json-array-splitter.ts';
import { isBlank, LineSplitter, MAX_RECORD_CHARS, tooLongReason } from './line-splitter.ts';
import { readTextChunks, type SourceOptions, STDIN_SOURCE, sourceName } from './text-source.ts';

/** How records are read: the source options plus an optional explicit format. */
export interface RecordStreamOptions extends SourceOptions {
  /** Overrides the format implied by the extension or sniffed from the content. */
  readonly format?: InputFormat;
}

/**
 * Receives each document (a JSON object or a typed CSV row, Extended JSON kept
 * as is) and the line it starts on; returns a reason to report the document
 * as a problem, or `undefined` to accept it.
 */
export type RecordSink = (doc: Record<string, unknown>, line: number) => string | undefined;

/** What a pass over the input found besides the documents. */
export interface RecordStreamSummary {
  readonly format: InputFormat;
  /** Skipped lines and documents, in input order. */
  readonly problems: InputProblem[];
  /** Lines read, for NDJSON and CSV (0 for a JSON array): where the next byte range's line numbers start. */
  readonly lines: number;
}

const MAX_REASON = 160;

/**
 * How many lines and documents a pass skips before it may give up: past this
 * many, an input with more skipped than read is refused, as it is not
 * documents in the format read (a binary file, the wrong `--input-format`),
 * and every skipped line would cost memory and a message for nothing.
 */
export const MAX_PROBLEMS = 100_000;
// The usual way a careless input goes wrong: `JSON.stringify(doc, null, 2)` or a `jq .` without `-c`.
const PRETTY_PRINTED_HINT =
  ' (a document spread over lines? NDJSON needs one per line; or give a JSON array)';

/**
 * Streams every document of an NDJSON, JSON-array or CSV input to a sink, one
 * at a time and without keeping any: the single pass both loaders build on.
 *
 * The format comes from `options.format`, else the extension (`.ndjson`,
 * `.jsonl`, `.json`, `.csv`), else the first character of the content. A
 * `.json` file that is not an array is read as NDJSON. Lines that are not
 * valid JSON, values that are not objects, CSV rows with the wrong number of
 * cells, lines or documents longer than `MAX_RECORD_CHARS` (streamed past,
 * never held) and documents the sink rejects are reported with their line and
 * skipped; blank lines are ignored. Reasons are cut to 160 characters and
 * their control characters escaped, as they may quote the input. Once
 * {@link MAX_PROBLEMS} are skipped while fewer documents were read, the
 * input is refused as a whole.
 *
 * @param source - a path, or `-` for stdin
 * @param options - format, stdin, cwd, progress
 * @param sink - called once per document, in input order
 * @returns the format used and the problems found
 * @throws `InputError` when the source cannot be read, or is refused for its skipped lines
 *
 * Complexity: O(bytes) plus one `JSON.parse` per document; memory O(chunk size + problems).
 *
 * @example
 * await streamRecords('docs.ndjson', {}, (doc, line) => (doc.coin_id ? undefined : 'no coin_id'));
 */
export async function streamRecords(
  source: string,
  options: RecordStreamOptions,
  sink: RecordSink,
): Promise<RecordStreamSummary> {
  const name = sourceName(source);
  const problems: InputProblem[] = [];
  let accepted = 0;
  const problem = (line: number, reason: string) => {
    const cut = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}…` : reason;
    problems.push({ source: name, line, reason: escapeControl(cut) });
    if (problems.length >= MAX_PROBLEMS && problems.length > accepted) {
      throw new InputError(
        `${name}: not read as ${format ?? InputFormat.Ndjson}: ${problems.length} lines or documents skipped ` +
          `and ${accepted} read (the first: ${problems[0]!.reason})`,
      );
    }
  };
  const accept = (doc: Record<string, unknown>, line: number) => {
    const rejected = sink(doc, line);
    if (rejected === undefined) accepted++;
    else problem(line, rejected);
  };
  const parse = (text: string, line: number) => {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      // The engine's message quotes the text; `problem` escapes it.
      problem(line, `invalid JSON: ${(e as Error).message}${text.trim() === '{' ? PRETTY_PRINTED_HINT : ''}`);
      return;
    }
    // Described from its text: serialising a value nested 100,000 levels deep would overflow the stack.
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      problem(line, `not a JSON object: ${kindOf(doc)}, ${quoteInput(text.trimStart(), 40)}`);
    } else accept(doc as Record<string, unknown>, line);
  };

  const chunks = readTextChunks(source, options);
  let format = options.format ?? (source === STDIN_SOURCE ? undefined : formatFromPath(source));
  let feed: ((text: string) => void) | undefined;
  let finish = () => {};
  let lines = () => 0;
  let head = '';
  const begin = (parsed: InputFormat) => {
    ({ feed, finish, lines } = parser(parsed, parse, accept, problem));
    feed(head);
  };
  for await (const text of chunks) {
    if (feed !== undefined) {
      feed(text);
      continue;
    }
    // The first non-blank text decides between an array and NDJSON for `.json`, and sniffs unknown inputs;
    // a blank start longer than any record decides nothing, so an endless blank stream is not held.
    head += text;
    if (text.trim().length === 0 && head.length <= MAX_RECORD_CHARS) continue;
    const sniffed = sniffFormat(head);
    if (format === undefined) format = sniffed;
    else if (format === InputFormat.Json && sniffed === InputFormat.Ndjson) format = InputFormat.Ndjson;
    begin(format);
  }
  // Nothing but blank lines: NDJSON still counts them, for the line numbers of a byte range after these.
  if (feed === undefined && head.length > 0 && (format ?? InputFormat.Ndjson) === InputFormat.Ndjson)
    begin(InputFormat.Ndjson);
  finish();
  return { format: format ?? InputFormat.Ndjson, problems, lines: lines() };
}

function parser(
  format: InputFormat,
  parse: (text: string, line: number) => void,
  accept: (doc: Record<string, unknown>, line: number) => void,
  problem: (line: number, reason: string) => void,
): { feed: (text: string) => void; finish: () => void; lines: () => number } {
  if (format === InputFormat.Json) {
    const splitter = new JsonArraySplitter(parse, problem);
    return { feed: (text) => splitter.push(text), finish: () => splitter.end(), lines: () => 0 };
  }
  if (format === InputFormat.Csv) {
    const rows = new CsvRecords(accept, problem);
    const lines = new LineSplitter(rows.onLine, { onTooLong: rows.onTooLong });
    return {
      feed: (text) => lines.push(text),
      finish: () => {
        lines.end();
        rows.end();
      },
      lines: () => lines.lines,
    };
  }
  const lines = new LineSplitter(
    (text, line) => {
      if (!isBlank(text)) parse(text, line);
    },
    { onTooLong: (line) => problem(line, tooLongReason('line', MAX_RECORD_CHARS)) },
  );
  return { feed: (text) => lines.push(text), finish: () => lines.end(), lines: () => lines.lines };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
