import type { CommandSpec } from '../options/option-spec.ts';
import {
  COLLECTION_OPTION,
  DATABASE_OPTION,
  LOG_LEVELS,
  MONGODB_URI_OPTION,
  RUNS_COLLECTION_OPTION,
} from './shared-options.ts';

/** The option table of `riskfence invoke`. */
export const INVOKE_SPEC = {
  name: 'invoke',
  summary: 'run the Lambda handler in-process on an SQS event, with a file store or a MongoDB database',
  synopsis: '--event EVENT.json (--store DOCS.ndjson | --mongodb-uri URI) [options]',
  description: `Runs the Lambda handler in-process on an SQS event as Lambda delivers it
({"Records": [{"messageId", "body", "attributes": {"SentTimestamp"}, ...}]}), reading and writing the
documents of an NDJSON file (flags merged into it; run summaries in DOCS.ndjson.runs.ndjson) or of a MongoDB
database. Configuration comes from the same environment variables as the Lambda (METRICS, TIMEFRAMES,
ANOMALIES_FIELD, ...).

Prints JSON: {"batchItemFailures", "deadLettered", "flagsWritten", "recordsProcessed", ..., "alerts"}:
"alerts" lists the EventBridge events the run would publish (new verdicts only), and sends them with
--events-endpoint. Every output is checked before anything is changed. Running it twice on the same
store writes nothing the second time.`,
  groups: [
    {
      title: 'Options',
      options: [
        { name: 'event', arg: 'FILE', help: 'the SQS event (JSON)', required: true, file: true },
        {
          name: 'store',
          arg: 'FILE',
          help: 'NDJSON documents (mongoexport format), updated in place',
          file: true,
        },
        MONGODB_URI_OPTION,
        DATABASE_OPTION,
        COLLECTION_OPTION,
        RUNS_COLLECTION_OPTION,
        {
          name: 'dead-letter',
          arg: 'FILE',
          help: 'also append dead-lettered records (NDJSON, original body included)',
          file: true,
        },
        {
          name: 'events-endpoint',
          arg: 'URL',
          help: 'also send the alerts to this EventBridge API (moto, LocalStack, a real region endpoint)',
          env: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
        },
        {
          name: 'events-bus',
          arg: 'NAME',
          help: 'the event bus the alerts go to with --events-endpoint',
          env: 'ALERT_BUS_NAME',
          defaultText: 'default',
        },
        {
          name: 'log-level',
          arg: 'LEVEL',
          help: `handler logs on stderr: ${LOG_LEVELS.join(', ')}`,
          choices: LOG_LEVELS,
          defaultText: 'WARN',
        },
      ],
    },
  ],
  exitStatus: '0 the handler returned, 1 the whole batch failed or input is invalid, 2 usage error.',
} as const satisfies CommandSpec;
