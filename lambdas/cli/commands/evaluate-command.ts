import { integerFlag, nameList, numberList, oneOf, parseFlags } from '../../cli/args.ts';
import { type Command, ExitCode, InputError, write } from '../../cli/command.ts';
import { DEFAULT_TIMEFRAMES, Mode } from '../../core/detector-options.ts';
import { evaluateHistory } from '../../evaluate/evaluate-history.ts';
import { evaluationTable } from '../../evaluate/evaluation-table.ts';
import { MARKET_EVENTS } from '../../events/market-events.ts';
import { validDetectorOptions } from '../detector-flags.ts';
import { loadSelectedSeries, SERIES_FLAGS, SERIES_FLAGS_USAGE } from '../series-flags.ts';

const USAGE = `Usage: riskfence evaluate --input FILE [options]

Runs the detector over a history and measures it on the known market events
(${MARKET_EVENTS.map((e) => e.id).join(', ')}): for every mode, deviation limit,
IQR floor and timeframe, the share of event (asset, day) pairs flagged per
metric, the flag rate on all other asset-days (false-alarm proxy) and the share
of flags from windows with IQR 0.

Modes: rolling (closed left: each point against its own trailing window, no
look-ahead) and window replayed daily (for each day D, asOf = D + 1 day; only
the points of day D judged, as a daily scheduled run would).

${SERIES_FLAGS_USAGE}  --modes m,n              rolling,window (default both)
  --deviation-limits k,k   Tukey's k values to try (default 1.5,3)
  --min-relative-iqr r,r   IQR floors to try, 0 = off (default 0,0.01,0.05)
  --timeframes 3,7,30      window lengths in days
  --min-samples N          fewest values a window needs for fences (default 1)
  --lag-days N             days between an event and the rows that show it (default 1:
                           CoinGecko rows are 00:00 UTC snapshots of the previous day)
  --format F               table (default) | json

Exit codes: 0 done, 1 input error, 2 usage error.
`;

const FLAGS = {
  ...SERIES_FLAGS,
  modes: { type: 'string', default: 'rolling,window' },
  'deviation-limits': { type: 'string', default: '1.5,3' },
  'min-relative-iqr': { type: 'string', default: '0,0.01,0.05' },
  timeframes: { type: 'string' },
  'min-samples': { type: 'string' },
  'lag-days': { type: 'string' },
  format: { type: 'string', default: 'table' },
} as const;

/** `riskfence evaluate`: how well the detector catches real market events, and at what false-alarm rate. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseFlags(argv, FLAGS);
    const format = oneOf('--format', values.format, ['table', 'json']);
    const modes = nameList(values.modes).map((m) => oneOf('--modes', m, Object.values(Mode)));
    const deviationLimits = numberList('--deviation-limits', values['deviation-limits']);
    const minRelativeIqrs = numberList('--min-relative-iqr', values['min-relative-iqr']);
    const timeframes =
      values.timeframes === undefined
        ? [...DEFAULT_TIMEFRAMES]
        : numberList('--timeframes', values.timeframes);
    const minSamples = integerFlag('--min-samples', values['min-samples'], 1) ?? 1;
    const lagDays = integerFlag('--lag-days', values['lag-days'], 0) ?? 1;
    for (const deviationLimit of deviationLimits) {
      for (const minRelativeIqr of minRelativeIqrs) {
        validDetectorOptions({ timeframes, deviationLimit, minSamples, minRelativeIqr });
      }
    }
    const { set, input } = await loadSelectedSeries(values, io);
    if (set.series.length === 0) throw new InputError(`no usable documents in ${input}`);
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
      format === 'json' ? `${JSON.stringify(evaluation, null, 2)}\n` : evaluationTable(evaluation),
    );
    return ExitCode.Ok;
  },
};
