/** A piece of input that was skipped: where it is and why. */
export interface InputProblem {
  /** The input as the user named it (`<stdin>` for standard input). */
  readonly source: string;
  /** 1-based line where the skipped document or row starts. */
  readonly line: number;
  readonly reason: string;
}

/**
 * Formats a problem the way compilers do, so editors and terminals can jump to it.
 *
 * @param p - the problem
 * @returns `file:line: reason`
 *
 * @example
 * formatProblem({ source: 'docs.ndjson', line: 7, reason: 'invalid JSON' }); // 'docs.ndjson:7: invalid JSON'
 */
export function formatProblem(p: InputProblem): string {
  return `${p.source}:${p.line}: ${p.reason}`;
}
