import type { CommandSpec } from '../options/option-spec.ts';
import { EXIT_STATUS } from './shared-options.ts';

/** The option table of `riskfence demo` (what `npm start` runs). */
export const DEMO_SPEC = {
  name: 'demo',
  summary: 'run the Lambda handler on the bundled sample with a generated SQS batch',
  synopsis: '[--keep]',
  description: `Runs the Lambda handler in-process on the bundled sample of real market data
(sample/risk-scores-2022-2023.ndjson, copied to a temporary store) with a generated SQS batch: one request
per known market event in the sample, one message in each of the original Python producer's formats and one
malformed message. Prints what was flagged around each event and what was dead-lettered.`,
  groups: [
    {
      title: 'Options',
      options: [
        {
          name: 'keep',
          help: 'keep the temporary store (flags merged into the documents) and print its path',
        },
      ],
    },
  ],
  exitStatus: EXIT_STATUS,
} as const satisfies CommandSpec;
