import { DEFAULT_LIMIT, OutputFormat } from '../detect/output-format.ts';
import type { CommandSpec } from '../options/option-spec.ts';
import { DETECTOR_OPTIONS, EXIT_STATUS, INPUT_OPTIONS } from './shared-options.ts';

/** The option table of `riskfence detect`. */
export const DETECT_SPEC = {
  name: 'detect',
  summary: 'flag values outside IQR fences in an NDJSON, JSON or CSV file, or a MongoDB collection',
  synopsis: '(--input FILE | --mongodb-uri URI) [options]',
  description: `Flags values outside Tukey IQR fences (Q1 - k*IQR, Q3 + k*IQR; R-7 quartiles, as pandas).
CSV has no types: empty cells are missing, numeric-looking cells numbers, anything else a string (a bad value).
Skipped lines are reported on stderr as file:line.

Why "d3 0" on daily data: in window mode each timeframe has one window, and a 3-day window of daily
rows holds three values. With three values a <= b <= c, Q3 + k*IQR = (b + c)/2 + k(c - a)/2 >= c for any
k >= 1 (and symmetrically below), so no value can be flagged. Use --mode rolling, or hourly data, for d3.`,
  groups: [
    { title: 'Input', options: INPUT_OPTIONS },
    { title: 'Detection', options: DETECTOR_OPTIONS },
    {
      title: 'Output',
      options: [
        {
          name: 'format',
          arg: 'FMT',
          help: 'table: summary by severity; json: the full report; ndjson: one line per flagged value',
          choices: Object.values(OutputFormat),
          defaultText: OutputFormat.Table,
        },
        { name: 'limit', arg: 'N', help: 'table rows to show; 0 = all', defaultText: String(DEFAULT_LIMIT) },
        {
          name: 'out',
          short: 'o',
          arg: 'FILE',
          help: 'write the flags of flagged documents as NDJSON for mongoimport --mode merge',
          file: true,
        },
        {
          name: 'anomalies-field',
          arg: 'NAME',
          help: 'root field of the flags in --out',
          env: 'ANOMALIES_FIELD',
          defaultText: 'anomalies',
        },
      ],
    },
    {
      title: 'Performance',
      options: [
        {
          name: 'threads',
          arg: 'N',
          help: 'threads that parse and judge, this one included; same output for any N',
          defaultText: 'one per core (at most 4) for NDJSON files of 32 MiB or more, else 1',
        },
      ],
    },
  ],
  exitStatus: EXIT_STATUS,
} as const satisfies CommandSpec;
