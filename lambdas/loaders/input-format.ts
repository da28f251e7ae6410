import { extname } from 'node:path';

/** The input formats the loaders read. */
export const InputFormat = { Ndjson: 'ndjson', Json: 'json', Csv: 'csv' } as const;
/** `'ndjson'` (one JSON document per line, what `mongoexport` writes), `'json'` (an array) or `'csv'`. */
export type InputFormat = (typeof InputFormat)[keyof typeof InputFormat];

const BY_EXTENSION: Readonly<Record<string, InputFormat>> = {
  '.ndjson': InputFormat.Ndjson,
  '.jsonl': InputFormat.Ndjson,
  '.json': InputFormat.Json,
  '.csv': InputFormat.Csv,
};

/**
 * The format a file name implies, case-insensitively.
 *
 * @param path - a file name or path
 * @returns the format, or `undefined` for other extensions (the content is sniffed then)
 *
 * @example
 * formatFromPath('export.JSONL'); // 'ndjson'
 */
export function formatFromPath(path: string): InputFormat | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

/**
 * Guesses the format from the first characters of the content: `[` is a JSON
 * array, `{` NDJSON, anything else CSV (whose first line is a header).
 *
 * @param head - the start of the content
 * @returns the guessed format; NDJSON for empty content
 *
 * @example
 * sniffFormat('  [{"coin_id": "bitcoin"}]'); // 'json'
 */
export function sniffFormat(head: string): InputFormat {
  const first = head.trimStart()[0];
  if (first === undefined || first === '{') return InputFormat.Ndjson;
  return first === '[' ? InputFormat.Json : InputFormat.Csv;
}

/**
 * Checks a user-given format name.
 *
 * @example
 * isInputFormat('csv'); // true
 */
export function isInputFormat(name: string): name is InputFormat {
  return (Object.values(InputFormat) as string[]).includes(name);
}
