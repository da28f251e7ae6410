import type { InputFormat } from './input-format.ts';
import type { InputProblem } from './input-problem.ts';
import { type RecordStreamOptions, streamRecords } from './record-stream.ts';

export type { InputFormat } from './input-format.ts';

/** Options of {@link readDocuments}. */
export type ReadDocumentsOptions = RecordStreamOptions;

/** Every document of an input, with the line each starts on. */
export interface ReadDocumentsResult {
  /** Raw documents in input order; Extended JSON kept as is (`{"$date": …}` stays an object). */
  readonly documents: unknown[];
  /** 1-based line of each document. */
  readonly lines: number[];
  /** Skipped lines (bad JSON, non-objects, bad CSV rows), in input order. */
  readonly problems: InputProblem[];
  readonly format: InputFormat;
}

/**
 * Reads every document of an NDJSON (`mongoexport`), JSON-array or CSV input
 * into memory. For large inputs that only feed the detector use
 * `loadSeries`, which keeps no documents.
 *
 * The format comes from `options.format`, else the extension (`.ndjson`/`.jsonl`
 * NDJSON, `.json` an array — or NDJSON when the content is not an array —,
 * `.csv`), else the content (stdin: `[` array, `{` NDJSON, otherwise CSV).
 * CSV cells are typed: empty → `null`, decimal-looking → number, else string;
 * header names are trimmed. Malformed lines are reported in `problems` and
 * skipped, never fatal.
 *
 * @param source - a path (relative to `options.cwd`), or `-` for stdin
 * @param options - format, stdin, cwd, progress callback
 * @returns the documents, their lines, the problems and the format used
 * @throws `InputError` (from `lambdas/cli/command.ts`) when the file is missing or unreadable
 *
 * Complexity: O(bytes); memory O(documents).
 *
 * @example
 * const { documents, problems } = await readDocuments('sample/risk-scores-2022-2023.ndjson');
 */
export async function readDocuments(
  source: string,
  options: ReadDocumentsOptions = {},
): Promise<ReadDocumentsResult> {
  const documents: unknown[] = [];
  const lines: number[] = [];
  const { format, problems } = await streamRecords(source, options, (doc, line) => {
    documents.push(doc);
    lines.push(line);
    return undefined;
  });
  return { documents, lines, problems, format };
}
