import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { integerFlag, parseFlags, timeFlag } from '../../cli/args.ts';
import { type Command, ExitCode, InputError, UsageError, write } from '../../cli/command.ts';
import { DEFAULT_DEVIATION_LIMIT, Mode } from '../../core/detector-options.ts';
import { renderReportHtml } from '../../report/html-report.ts';
import { buildReportModel, type ReportOptions } from '../../report/report-model.ts';
import { DETECTOR_FLAGS, type DetectorFlagValues, parseDetectorFlags } from '../detector-flags.ts';
import { loadSelectedSeries, SERIES_FLAGS, SERIES_FLAGS_USAGE } from '../series-flags.ts';

/** Above this many charts the report still renders, with a warning: it gets long and slow to open. */
const WARN_CHARTS = 50;
const DEFAULT_MAX_CHARTS = 100;

const USAGE = `Usage: riskfence report --input FILE [options]

Draws each asset × metric series with the fences of every timeframe and the
flagged points, into one self-contained HTML file (inline SVG, CSS and script;
opens offline, prints).

${SERIES_FLAGS_USAGE}  --from ISO / --to ISO    period shown, inclusive (default: all; window mode: 3 longest
                         windows before --as-of). Rolling fences still use the history before --from.
  --mode M               rolling (default) | window
  --closed C             rolling mode: left (default, no look-ahead) | right (pandas' default)
  --as-of ISO            window mode: end of every window, exclusive
                         (default: start of the UTC day after the last shown observation)
  --timeframes 3,7,30    window lengths in days
  --deviation-limit K    Tukey's k (default 1.5)
  --min-samples N        fewest values a window needs for fences (default 1)
  --min-relative-iqr R   opt-in IQR floor R × |median| against IQR-0 windows (default 0 = off)
  --max-charts N         refuse to draw more charts than this (default ${DEFAULT_MAX_CHARTS}); narrow with --assets/--metrics
  -o, --out FILE         where to write the HTML (default riskfence-report.html)

Exit codes: 0 written, 1 input error, 2 usage error.
`;

const FLAGS = {
  ...SERIES_FLAGS,
  ...DETECTOR_FLAGS,
  from: { type: 'string' },
  to: { type: 'string' },
  'max-charts': { type: 'string' },
  out: { type: 'string', short: 'o', default: 'riskfence-report.html' },
} as const;

/** `riskfence report`: a self-contained HTML report of series, fences and flags. */
export const reportCommand: Command = {
  name: 'report',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseFlags(argv, FLAGS);
    const options = reportOptions(values);
    const maxCharts = integerFlag('--max-charts', values['max-charts'], 1) ?? DEFAULT_MAX_CHARTS;
    const { set, documents, input } = await loadSelectedSeries(values, io);
    const charts = set.series.length * set.metrics.length;
    if (charts === 0) throw new InputError(`no usable documents in ${input}`);
    if (charts > maxCharts) {
      throw new UsageError(
        `${charts} charts (${set.series.length} assets × ${set.metrics.length} metrics) exceed --max-charts ${maxCharts}; choose --assets/--metrics or raise --max-charts`,
      );
    }
    if (charts > WARN_CHARTS) {
      await write(
        io.stderr,
        `warning: ${charts} charts; the report will be long (narrow with --assets/--metrics)\n`,
      );
    }
    const model = buildReportModel(set, options);
    const out = resolve(io.cwd, values.out);
    try {
      await writeFile(out, renderReportHtml(model, { input, documents }));
    } catch (e) {
      throw new InputError(`cannot write ${values.out}: ${(e as Error).message}`);
    }
    const flags = model.charts.reduce((s, c) => s + c.flags.length, 0);
    await write(io.stdout, `wrote ${values.out}: ${model.charts.length} charts, ${flags} flags\n`);
    return ExitCode.Ok;
  },
};

function reportOptions(values: DetectorFlagValues & { from?: string; to?: string }): ReportOptions {
  const detector = parseDetectorFlags(values, {
    mode: Mode.Rolling,
    deviationLimit: () => DEFAULT_DEVIATION_LIMIT,
  });
  const from = timeFlag('--from', values.from);
  const to = timeFlag('--to', values.to);
  if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from is after --to');
  return { ...detector, from, to };
}
