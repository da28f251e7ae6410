import { appendFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { ConfigError, loadServiceConfig, type ServiceConfig } from '../../config/service-config.ts';
import { MemoryDeadLetterSink } from '../../handler/dead-letter-sink.ts';
import {
  InvalidEventError,
  invokeLocally,
  type LocalInvocation,
  toSqsEvent,
} from '../../handler/local-invocation.ts';
import { StreamLogger } from '../../handler/service-logger.ts';
import { FileDetectionStore } from '../../stores/file-store.ts';
import { parseFlags } from '../args.ts';
import { type CliIo, type Command, ExitCode, InputError, UsageError, write } from '../command.ts';

const USAGE = `Usage: riskfence invoke --event EVENT.json --store DOCS.ndjson [--dead-letter FILE] [--log-level LEVEL]

Runs the Lambda handler in-process on an SQS event as Lambda delivers it
({"Records": [{"messageId", "body", "attributes": {"SentTimestamp"}, ...}]}),
reading and writing the documents of an NDJSON file (flags are merged into it;
run summaries go to DOCS.ndjson.runs.ndjson). Configuration comes from the same
environment variables as the Lambda (METRICS, TIMEFRAMES, ANOMALIES_FIELD, ...).

Prints JSON: {"batchItemFailures", "deadLettered", "flagsWritten", "recordsProcessed", ...}.
Running it twice on the same store writes nothing the second time.

Options:
  --event FILE         the SQS event (JSON)
  --store FILE         NDJSON documents (mongoexport format); updated in place
  --dead-letter FILE   also append dead-lettered records (NDJSON, original body included)
  --log-level LEVEL    handler logs on stderr: DEBUG, INFO, WARN (default), ERROR, SILENT
Exit status: 0 when the handler returned, 1 when the whole batch failed or input is invalid.
`;

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;

/** `riskfence invoke`: the Lambda handler on a local SQS event and an NDJSON store. */
export const invokeCommand: Command = {
  name: 'invoke',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      event: { type: 'string' },
      store: { type: 'string' },
      'dead-letter': { type: 'string' },
      'log-level': { type: 'string' },
    });
    if (values.event === undefined) throw new UsageError('--event is required');
    if (values.store === undefined) throw new UsageError('--store is required');
    const logLevel = (values['log-level'] ?? 'WARN').toUpperCase();
    if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
      throw new UsageError(`--log-level: '${values['log-level']}' is not one of ${LOG_LEVELS.join(', ')}`);
    }
    const config = configFrom(io);
    const event = await readEvent(resolve(io.cwd, values.event), io);
    const store = await FileDetectionStore.open(resolve(io.cwd, values.store), {
      assetField: config.mapping.assetField,
      timeField: config.mapping.timeField,
      anomaliesField: config.anomaliesField,
    });
    if (store.problems.length > 0) {
      await write(
        io.stderr,
        `riskfence invoke: ${store.problems.length} unreadable lines in the store are kept as they are\n`,
      );
    }
    const deadLetters = new MemoryDeadLetterSink();
    const run = await invokeLocally(event, {
      config,
      store,
      deadLetters,
      logger: new StreamLogger(io.stderr, {
        serviceName: config.serviceName,
        logLevel: logLevel as LogLevel,
      }),
    });
    if (values['dead-letter'] !== undefined && deadLetters.entries.length > 0) {
      const lines = deadLetters.entries.map((e) => `${JSON.stringify(e)}\n`).join('');
      await appendFile(resolve(io.cwd, values['dead-letter']), lines);
    }
    await write(io.stdout, `${JSON.stringify(invocationJson(run, deadLetters), null, 2)}\n`);
    if (run.fullBatchFailure) {
      await write(
        io.stderr,
        'riskfence invoke: every record failed (FullBatchFailureError); SQS would retry the batch\n',
      );
      return ExitCode.InputError;
    }
    return ExitCode.Ok;
  },
};

function configFrom(io: CliIo): ServiceConfig {
  try {
    return loadServiceConfig(io.env);
  } catch (e) {
    if (e instanceof ConfigError) throw new InputError(e.message);
    throw e;
  }
}

async function readEvent(path: string, io: CliIo) {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`);
  }
  try {
    const { event, filledSentTimestamp } = toSqsEvent(value, Date.now());
    if (filledSentTimestamp.length > 0) {
      await write(
        io.stderr,
        `riskfence invoke: no attributes.SentTimestamp in ${filledSentTimestamp.join(', ')}; using the current time\n`,
      );
    }
    return event;
  } catch (e) {
    if (e instanceof InvalidEventError) throw new InputError(`${path}: ${e.message}`);
    throw e;
  }
}

/**
 * The JSON `riskfence invoke` prints: the handler's response, the dead
 * letters and the invocation's counts.
 *
 * @example
 * invocationJson(run, sink).flagsWritten; // documents updated
 */
export function invocationJson(run: LocalInvocation, deadLetters: MemoryDeadLetterSink) {
  const { tally } = run;
  let anomaliesDetected = 0;
  for (const n of tally.anomaliesByTimeframe.values()) anomaliesDetected += n;
  return {
    batchItemFailures: run.response.batchItemFailures,
    deadLettered: deadLetters.entries.map(({ messageId, errorCode, errorMessage }) => ({
      messageId,
      errorCode,
      errorMessage,
    })),
    flagsWritten: tally.flagsWritten,
    recordsProcessed: tally.recordsProcessed,
    recordsFailed: tally.recordsFailed,
    invalidMessages: tally.invalidMessages,
    assetsEvaluated: tally.assetsEvaluated,
    documentsRead: tally.documentsRead,
    anomaliesDetected,
    dataQualityIssues: tally.dataQualityIssues,
    ...(run.fullBatchFailure ? { fullBatchFailure: true } : {}),
  };
}
