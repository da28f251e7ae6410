import type { CommandSpec } from '../options/option-spec.ts';
import { DETECTOR_OPTIONS, EXIT_STATUS, INPUT_OPTIONS } from './shared-options.ts';

/** Charts drawn at most unless `--max-charts` says otherwise. */
export const DEFAULT_MAX_CHARTS = 100;

/** Where the report goes unless `--out` says otherwise. */
export const DEFAULT_REPORT_FILE = 'riskfence-report.html';

/** The detector's options as `report` applies them: its window mode ends, by default, on a day boundary. */
const REPORT_DETECTOR_OPTIONS = DETECTOR_OPTIONS.map((o) =>
  o.name === 'as-of' ? { ...o, defaultText: 'start of the UTC day after the last shown observation' } : o,
);

/** The option table of `riskfence report`: the same input and detector options as `detect`. */
export const REPORT_SPEC = {
  name: 'report',
  summary: 'draw series, fences and flags into a self-contained HTML report',
  synopsis: '(--input FILE | --mongodb-uri URI) [options]',
  description: `Draws each asset × metric series with the fences of every timeframe and the flagged points, into one
self-contained HTML file (opens offline, prints). Same input, detector options, defaults and
environment as riskfence detect.`,
  groups: [
    { title: 'Input', options: INPUT_OPTIONS },
    { title: 'Detection', options: REPORT_DETECTOR_OPTIONS },
    {
      title: 'Output',
      options: [
        {
          name: 'from',
          arg: 'ISO',
          help: 'first day shown, inclusive; rolling fences still use the history before it',
          defaultText: 'all; window mode: the longest window before --as-of',
        },
        { name: 'to', arg: 'ISO', help: 'last day shown, inclusive', defaultText: 'all' },
        {
          name: 'max-charts',
          arg: 'N',
          help: 'refuse to draw more charts than this; narrow with --assets/--metrics',
          defaultText: String(DEFAULT_MAX_CHARTS),
        },
        {
          name: 'out',
          short: 'o',
          arg: 'FILE',
          help: 'where to write the HTML',
          defaultText: DEFAULT_REPORT_FILE,
          file: true,
        },
      ],
    },
  ],
  exitStatus: EXIT_STATUS,
} as const satisfies CommandSpec;
