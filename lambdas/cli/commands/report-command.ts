import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DAY_MS } from '../../core/detector-options.ts';
import { renderReportHtml } from '../../report/html-report.ts';
import { buildReportModel, type ReportOptions } from '../../report/report-model.ts';
import { integerFlag, timeFlag } from '../args.ts';
import { defineCommand, ExitCode, InputError, UsageError, write } from '../command.ts';
import { parseDetectorFlags } from '../detector-flags.ts';
import { specOptions } from '../options/option-spec.ts';
import { assertWritable } from '../output-path.ts';
import { ALL_TIME, assetsFlag, documentInput, loadUsableSeries } from '../series-flags.ts';
import { commandConfig } from '../service-env.ts';
import { DEFAULT_MAX_CHARTS, DEFAULT_REPORT_FILE, REPORT_SPEC } from '../specs/report-spec.ts';

/** Above this many charts the report still renders, with a warning: it gets long and slow to open. */
const WARN_CHARTS = 50;

/**
 * `riskfence report`: a self-contained HTML report of series, fences and
 * flags, with the same input, detector options, defaults and environment as
 * `riskfence detect`.
 *
 * @example
 * await main(['report', '-i', 'sample/risk-scores-2022-2023.ndjson', '--assets', 'bitcoin']);
 */
export const reportCommand = defineCommand(REPORT_SPEC, async (values, io) => {
  const config = commandConfig(specOptions(REPORT_SPEC), values, io.env);
  const from = timeFlag('--from', values.from);
  const to = timeFlag('--to', values.to);
  if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from is after --to');
  const options: ReportOptions = { ...parseDetectorFlags(values, config), from, to };
  const maxCharts = integerFlag('--max-charts', values['max-charts'], 1) ?? DEFAULT_MAX_CHARTS;
  const outName = values.out ?? DEFAULT_REPORT_FILE;
  const out = resolve(io.cwd, outName);
  await assertWritable('--out', out);
  const assets = assetsFlag(values.assets);
  // On MongoDB only the longest window before --from is read of the earlier history: all rolling fences need.
  const range =
    from === undefined
      ? ALL_TIME
      : { from: from - Math.max(...options.timeframes) * DAY_MS, to: ALL_TIME.to };
  const { loaded, set } = await loadUsableSeries(
    io,
    'report',
    documentInput(values, io.env),
    config,
    { assets, range },
    { cwd: io.cwd, stdin: io.stdin },
  );
  const charts = set.series.length * set.metrics.length;
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
  try {
    await writeFile(out, renderReportHtml(model, { input: loaded.name, documents: loaded.documents }));
  } catch (e) {
    throw new InputError(`cannot write ${outName}: ${(e as Error).message}`);
  }
  const flags = model.charts.reduce((s, c) => s + c.flags.length, 0);
  await write(io.stdout, `wrote ${outName}: ${model.charts.length} charts, ${flags} flags\n`);
  return ExitCode.Ok;
});
