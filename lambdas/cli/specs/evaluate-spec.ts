import { Mode } from '../../core/detector-options.ts';
import { MARKET_EVENTS } from '../../events/market-events.ts';
import type { CommandSpec } from '../options/option-spec.ts';
import { EXIT_STATUS, INPUT_OPTIONS, MIN_SAMPLES_OPTION, TIMEFRAMES_OPTION } from './shared-options.ts';

/** What `riskfence evaluate` sweeps unless told otherwise. */
export const EVALUATE_DEFAULTS = {
  modes: 'rolling,window',
  deviationLimits: '1.5,3',
  minRelativeIqrs: '0,0.01,0.05',
  lagDays: 1,
} as const;

/** The option table of `riskfence evaluate`. */
export const EVALUATE_SPEC = {
  name: 'evaluate',
  summary: 'measure the detector on real market events (hit rate, false-alarm proxy, IQR-0 share)',
  synopsis: '(--input FILE | --mongodb-uri URI) [options]',
  description: `Runs the detector over a history and measures it on the known market events
(${MARKET_EVENTS.map((e) => e.id).join(', ')}): for every mode, deviation limit, IQR floor and timeframe, the
share of event (asset, day) pairs flagged per metric, the flag rate on all other asset-days (false-alarm proxy)
and the share of flags from windows with IQR 0.

Modes: rolling (closed left: each point against its own trailing window, no look-ahead) and window replayed
daily (for each day D, asOf = D + 1 day; only the points of day D judged, as a daily scheduled run would).`,
  groups: [
    { title: 'Input', options: INPUT_OPTIONS },
    {
      title: 'Evaluation',
      options: [
        {
          name: 'modes',
          arg: 'M,M',
          help: `modes to try: ${Object.values(Mode).join(', ')}`,
          defaultText: EVALUATE_DEFAULTS.modes,
        },
        {
          name: 'deviation-limits',
          arg: 'K,K',
          help: "Tukey's k values to try",
          defaultText: EVALUATE_DEFAULTS.deviationLimits,
        },
        {
          name: 'min-relative-iqr',
          arg: 'R,R',
          help: 'IQR floors to try, 0 = off',
          defaultText: EVALUATE_DEFAULTS.minRelativeIqrs,
        },
        TIMEFRAMES_OPTION,
        MIN_SAMPLES_OPTION,
        {
          name: 'lag-days',
          arg: 'N',
          help: 'days between an event and the rows that show it (CoinGecko rows are 00:00 UTC snapshots of the previous day), 0..3650',
          defaultText: String(EVALUATE_DEFAULTS.lagDays),
        },
        {
          name: 'format',
          arg: 'FMT',
          help: 'output format',
          choices: ['table', 'json'],
          defaultText: 'table',
        },
      ],
    },
  ],
  exitStatus: EXIT_STATUS,
} as const satisfies CommandSpec;
