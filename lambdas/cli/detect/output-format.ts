/** How `riskfence detect` prints its results. */
export const OutputFormat = { Table: 'table', Json: 'json', Ndjson: 'ndjson' } as const;
/** `'table'` (human summary), `'json'` (the golden report shape) or `'ndjson'` (one line per flag). */
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** Table rows `riskfence detect` shows unless `--limit` says otherwise. */
export const DEFAULT_LIMIT = 50;
