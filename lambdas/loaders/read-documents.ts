import type { InputFormat } from './input-format.ts';
import type { InputProblem } from './input-problem.ts';
import { type RecordStreamOptions, streamRecords } from './record-stream.ts';

export type { InputFormat } from './input-format.ts';

/**
 * How deeply a document read whole may nest objects and arrays: MongoDB's
 * limit for stored documents. Documents are kept to be written back, and
 * serialising one nested 100,000 levels deep would overflow the stack.
 */
export const MAX_NESTING_DEPTH = 100;

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
 * header names are trimmed. Malformed lines, and documents nested deeper
 * than {@link MAX_NESTING_DEPTH} levels, are reported in `problems` and
 * skipped, never fatal.
 *
 * @param source - a path (relative to `options.cwd`), or `-` for stdin
 * @param options - format, stdin, cwd, progress callback
 * @returns the documents, their lines, the problems and the format used
 * @throws `InputError` (from `lambdas/cli/command.ts`) when the file is missing or unreadable
 *
 * Complexity: O(bytes); memory O(documents); the depth check visits each value once, at most 100 levels down.
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
    if (nestsDeeperThan(doc, MAX_NESTING_DEPTH)) {
      return `nested more than ${MAX_NESTING_DEPTH} levels deep (MongoDB's limit for a document)`;
    }
    documents.push(doc);
    lines.push(line);
    return undefined;
  });
  return { documents, lines, problems, format };
}

/** Whether objects and arrays nest more than `levels` deep below `value`; recursion stops at `levels`. */
function nestsDeeperThan(value: object, levels: number): boolean {
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object' && nestsDeeperThan(item, levels - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && nestsDeeperThan(item, levels - 1)) return true;
  }
  return false;
}
