import { type FileHandle, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { ServiceConfig } from '../../config/service-config.ts';
import { escapeControl } from '../../core/quote-input.ts';
import { MemoryDeadLetterSink } from '../../handler/dead-letter-sink.ts';
import {
  InvalidEventError,
  invokeLocally,
  type LocalInvocation,
  toSqsEvent,
} from '../../handler/local-invocation.ts';
import { StreamLogger } from '../../handler/service-logger.ts';
import type { AlertPublisher } from '../../service/alerts.ts';
import type { DetectionStore } from '../../stores/detection-store.ts';
import { FileDetectionStore } from '../../stores/file-store.ts';
import { type CliIo, defineCommand, ExitCode, InputError, UsageError, write } from '../command.ts';
import { specOptions } from '../options/option-spec.ts';
import { assertWritable } from '../output-path.ts';
import { commandConfig } from '../service-env.ts';
import { INVOKE_SPEC } from '../specs/invoke-spec.ts';

/**
 * `riskfence invoke`: the Lambda handler on a local SQS event, against an
 * NDJSON store or a MongoDB database. Every output (store, dead-letter file,
 * server) is checked before the handler runs, so a bad `--dead-letter` never
 * leaves a rewritten store and lost dead letters behind.
 *
 * @example
 * await main(['invoke', '--event', 'event.json', '--store', 'docs.ndjson']);
 */
export const invokeCommand = defineCommand(INVOKE_SPEC, async (values, io) => {
  if (values.store !== undefined && values['mongodb-uri'] !== undefined)
    throw new UsageError('give --store or --mongodb-uri, not both');
  const uri = values.store === undefined ? (values['mongodb-uri'] ?? io.env.MONGODB_URI)?.trim() : undefined;
  if (values.store === undefined && !uri)
    throw new UsageError('--store FILE is required (or --mongodb-uri URI, or $MONGODB_URI)');
  const config = commandConfig(specOptions(INVOKE_SPEC), values, io.env);
  const event = await readEvent(resolve(io.cwd, values.event!), io);
  const deadLetterPath =
    values['dead-letter'] === undefined ? undefined : resolve(io.cwd, values['dead-letter']);
  if (deadLetterPath !== undefined) await assertWritable('--dead-letter', deadLetterPath);
  const deadLetterFile = deadLetterPath === undefined ? undefined : await openForAppend(deadLetterPath);
  try {
    const deadLetters = new MemoryDeadLetterSink();
    const endpoint = (values['events-endpoint'] ?? io.env.AWS_ENDPOINT_URL_EVENTBRIDGE)?.trim();
    const alerts = endpoint
      ? await eventBridgePublisher(endpoint, values['events-bus'] ?? io.env.ALERT_BUS_NAME)
      : undefined;
    const handle = (store: DetectionStore) =>
      invokeLocally(event, {
        config,
        store,
        deadLetters,
        ...(alerts ? { alerts } : {}),
        logger: new StreamLogger(io.stderr, {
          serviceName: config.serviceName,
          logLevel: (values['log-level'] ?? 'WARN') as LogLevel,
        }),
      });
    const run =
      uri === undefined
        ? await withFileStore(resolve(io.cwd, values.store!), config, io, handle)
        : await withMongoStore(uri, config, handle);
    // Dead letters first: they are the only copy of the rejected messages once the event is gone.
    if (deadLetterFile && deadLetters.entries.length > 0) {
      await deadLetterFile.appendFile(deadLetters.entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
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
  } finally {
    await deadLetterFile?.close();
  }
});

/** The alerts' publisher for --events-endpoint; the SDK is loaded only when one is given. */
async function eventBridgePublisher(endpoint: string, bus: string | undefined): Promise<AlertPublisher> {
  if (!URL.canParse(endpoint)) throw new UsageError(`--events-endpoint: '${endpoint}' is not a URL`);
  const [{ EventBridgeClient }, { EventBridgeAlertPublisher }] = await Promise.all([
    import('@aws-sdk/client-eventbridge'),
    import('../../handler/eventbridge-alert-publisher.ts'),
  ]);
  return new EventBridgeAlertPublisher(new EventBridgeClient({ endpoint }), bus?.trim() || 'default');
}

async function openForAppend(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'a');
  } catch (e) {
    throw new InputError(`cannot write --dead-letter ${path}: ${(e as Error).message}`);
  }
}

async function withFileStore(
  path: string,
  config: ServiceConfig,
  io: CliIo,
  use: (store: DetectionStore) => Promise<LocalInvocation>,
): Promise<LocalInvocation> {
  await assertWritable('--store', path);
  const store = await FileDetectionStore.open(path, {
    assetField: config.mapping.assetField,
    timeField: config.mapping.timeField,
    anomaliesField: config.anomaliesField,
  });
  try {
    if (store.problems.length > 0) {
      await write(
        io.stderr,
        `riskfence invoke: ${store.problems.length} unreadable lines in the store are kept as they are\n`,
      );
    }
    return await use(store);
  } finally {
    await store.close();
  }
}

async function withMongoStore(
  uri: string,
  config: ServiceConfig,
  use: (store: DetectionStore) => Promise<LocalInvocation>,
): Promise<LocalInvocation> {
  // Loaded here so that the file path never pays for the driver.
  const [{ withMongoClient }, { MongoDetectionStore, mongoStoreOptions }] = await Promise.all([
    import('../mongo-client.ts'),
    import('../../stores/mongo-store.ts'),
  ]);
  return withMongoClient(uri, `use MongoDB database ${config.database}`, {}, async (client) => {
    // An unreachable server is one clear line before the handler runs, not a batch of retried records.
    await client.db(config.database).command({ ping: 1 });
    return use(new MongoDetectionStore(client, mongoStoreOptions(config)));
  });
}

/** Largest event file read: Lambda's own invocation payload limit for SQS events is 6 MB. */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

async function readEvent(path: string, io: CliIo) {
  let value: unknown;
  try {
    const handle = await open(path, 'r');
    let text: string;
    try {
      // Read one byte past the limit: a larger event (or /dev/zero) is refused without being held whole.
      const buffer = Buffer.alloc(MAX_EVENT_BYTES + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled > MAX_EVENT_BYTES)
          throw new Error(`larger than ${MAX_EVENT_BYTES} bytes; not an SQS event`);
      }
      text = buffer.toString('utf8', 0, filled);
    } finally {
      await handle.close();
    }
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: ${escapeControl((e as Error).message)}`);
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
 * letters, then every count of the invocation's tally as it stands (so a
 * count the handler gains is printed without a change here), the anomalies
 * detected over all timeframes, the chunk requests fanned out, and the
 * alerts (EventBridge event details) the run published or would publish.
 *
 * Complexity: O(dead letters + timeframes + counts).
 *
 * @example
 * invocationJson(run, sink).flagsWritten; // documents updated
 */
export function invocationJson(run: LocalInvocation, deadLetters: MemoryDeadLetterSink) {
  const counts = Object.fromEntries(Object.entries(run.tally).filter(([, v]) => typeof v === 'number'));
  let anomaliesDetected = 0;
  for (const n of run.tally.anomaliesByTimeframe.values()) anomaliesDetected += n;
  return {
    batchItemFailures: run.response.batchItemFailures,
    deadLettered: deadLetters.entries.map(({ messageId, errorCode, errorMessage }) => ({
      messageId,
      errorCode,
      errorMessage,
    })),
    ...counts,
    anomaliesDetected,
    chunkRequests: run.chunkRequests,
    ...(run.fullBatchFailure ? { fullBatchFailure: true } : {}),
    alerts: run.alerts,
  };
}
