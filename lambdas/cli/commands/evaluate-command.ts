import { Mode } from '../../core/detector-options.ts';
import { evaluateHistory } from '../../evaluate/evaluate-history.ts';
import { evaluationTable } from '../../evaluate/evaluation-table.ts';
import { MARKET_EVENTS, MAX_LAG_DAYS } from '../../events/market-events.ts';
import { integerFlag, nameList, numberList, oneOf } from '../args.ts';
import { defineCommand, ExitCode, UsageError, write } from '../command.ts';
import { validDetectorOptions } from '../detector-flags.ts';
import { specOptions } from '../options/option-spec.ts';
import { ALL_TIME, assetsFlag, documentInput, loadUsableSeries } from '../series-flags.ts';
import { commandConfig } from '../service-env.ts';
import { EVALUATE_DEFAULTS, EVALUATE_SPEC } from '../specs/evaluate-spec.ts';

/**
 * `riskfence evaluate`: how well the detector catches real market events,
 * and at what false-alarm rate.
 *
 * @example
 * await main(['evaluate', '-i', 'sample/risk-scores-2022-2023.ndjson']);
 */
export const evaluateCommand = defineCommand(EVALUATE_SPEC, async (values, io) => {
  const config = commandConfig(specOptions(EVALUATE_SPEC), values, io.env);
  const modes = nameList(values.modes ?? EVALUATE_DEFAULTS.modes).map((m) =>
    oneOf('--modes', m, Object.values(Mode)),
  );
  const deviationLimits = numberList(
    '--deviation-limits',
    values['deviation-limits'] ?? EVALUATE_DEFAULTS.deviationLimits,
  );
  const minRelativeIqrs = numberList(
    '--min-relative-iqr',
    values['min-relative-iqr'] ?? EVALUATE_DEFAULTS.minRelativeIqrs,
  );
  const lagDays = integerFlag('--lag-days', values['lag-days'], 0) ?? EVALUATE_DEFAULTS.lagDays;
  if (lagDays > MAX_LAG_DAYS) throw new UsageError(`--lag-days: ${lagDays} is more than ${MAX_LAG_DAYS}`);
  const { timeframes, minSamples } = config;
  for (const deviationLimit of deviationLimits) {
    for (const minRelativeIqr of minRelativeIqrs) {
      validDetectorOptions({ timeframes, deviationLimit, minSamples, minRelativeIqr });
    }
  }
  const assets = assetsFlag(values.assets);
  const input = documentInput(values, io.env);
  const { set } = await loadUsableSeries(
    io,
    'evaluate',
    input,
    config,
    { assets, range: ALL_TIME },
    { cwd: io.cwd, stdin: io.stdin },
  );
  const evaluation = evaluateHistory(set, {
    events: MARKET_EVENTS,
    modes: [...new Set(modes)],
    deviationLimits: [...new Set(deviationLimits)],
    minRelativeIqrs: [...new Set(minRelativeIqrs)],
    timeframes,
    minSamples,
    lagDays,
  });
  await write(
    io.stdout,
    values.format === 'json' ? `${JSON.stringify(evaluation, null, 2)}\n` : evaluationTable(evaluation),
  );
  return ExitCode.Ok;
});
