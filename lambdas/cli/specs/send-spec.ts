import { Mode } from '../../core/detector-options.ts';
import { ASSET_NAME, MAX_ASSETS, MAX_DEVIATION_LIMIT } from '../../requests/request-limits.ts';
import type { CommandSpec } from '../options/option-spec.ts';
import { TIMEFRAMES_OPTION } from './shared-options.ts';

/** The option table of `riskfence send`. */
export const SEND_SPEC = {
  name: 'send',
  summary: 'send detection requests to an SQS queue (AWS or --endpoint), 10 per batch',
  synopsis: '--queue-url URL (--assets A,B | --assets-file FILE | --all) [options]',
  description: `Sends version-1 detection requests (schemas/request-v1.schema.json) to an SQS queue (AWS, or any SQS
endpoint), at most ${MAX_ASSETS} assets per message, 10 messages per SendMessageBatch call. Every message is checked
with the consumer's own parser before it is sent. Entries that fail without a sender fault (throttling, a
service error) are retried with backoff; the rest are reported. Credentials come from the AWS SDK's default
chain (AWS_ACCESS_KEY_ID, profiles, roles).`,
  groups: [
    {
      title: 'Options',
      options: [
        { name: 'queue-url', arg: 'URL', help: 'the request queue', required: true },
        {
          name: 'endpoint',
          arg: 'URL',
          help: 'SQS endpoint, e.g. http://127.0.0.1:5000 for a local SQS API',
        },
        { name: 'region', arg: 'R', help: 'AWS region', defaultText: 'from the queue URL, then $AWS_REGION' },
        { name: 'assets', arg: 'A,B', help: `assets to check (names: ${ASSET_NAME.source})` },
        {
          name: 'assets-file',
          arg: 'FILE',
          help: 'more assets, one per line (blank lines and lines starting with # skipped)',
          file: true,
        },
        { name: 'all', help: 'every asset with data in the longest window (one message)' },
        {
          name: 'as-of',
          arg: 'ISO',
          help: 'end of the windows',
          defaultText: "the consumer uses each message's send time",
        },
        { ...TIMEFRAMES_OPTION, env: undefined, defaultText: "the consumer's" },
        {
          name: 'deviation-limit',
          arg: 'K',
          help: `Tukey's k, 0 < k <= ${MAX_DEVIATION_LIMIT}`,
          defaultText: "the consumer's",
        },
        {
          name: 'metrics',
          arg: 'A,B',
          help: 'metrics to check; checked against METRICS when that is set',
          defaultText: "the consumer's",
        },
        {
          name: 'mode',
          arg: 'MODE',
          help: 'how windows are placed',
          choices: Object.values(Mode),
          defaultText: Mode.Window,
        },
      ],
    },
  ],
  exitStatus: '0 all sent, 1 some message not sent or an unreadable assets file, 2 usage error.',
} as const satisfies CommandSpec;
