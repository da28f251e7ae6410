import type { CommandSpec } from '../options/option-spec.ts';
import {
  COLLECTION_OPTION,
  DATABASE_OPTION,
  MONGODB_URI_OPTION,
  RUNS_COLLECTION_OPTION,
} from './shared-options.ts';

/** How long `mongo-init` waits for a server unless `--timeout` says otherwise, in ms. */
export const DEFAULT_SERVER_TIMEOUT_MS = 5_000;

/** The option table of `riskfence mongo-init`. */
export const MONGO_INIT_SPEC = {
  name: 'mongo-init',
  summary: "create the service's MongoDB indexes (idempotent)",
  synopsis: '[--mongodb-uri URI] [options]',
  description: `Creates, idempotently, the indexes the service relies on: (asset, time) on the source collection and
the unique run key (asset, asOf, paramsHash) on the runs collection. Fields come from the same environment
variables as the Lambda (ASSET_FIELD, TIME_FIELD). An index build on a large collection can take minutes: the
command waits for it (no socket timeout) and says it is building.`,
  groups: [
    {
      title: 'Options',
      options: [
        { ...MONGODB_URI_OPTION, help: 'connection string; never printed' },
        DATABASE_OPTION,
        COLLECTION_OPTION,
        RUNS_COLLECTION_OPTION,
        {
          name: 'timeout',
          arg: 'MS',
          help: 'how long to wait for a server to answer (not for the build)',
          defaultText: String(DEFAULT_SERVER_TIMEOUT_MS),
        },
      ],
    },
  ],
  exitStatus:
    '0 done, 1 no URI, invalid configuration, server unreachable or an index conflict, 2 usage error.',
} as const satisfies CommandSpec;
