import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createSecretFetcher, resolveMongoUri } from '../config/mongo-uri.ts';
import { ConfigError, loadServiceConfig } from '../config/service-config.ts';
import { createMongoClient, MongoDetectionStore, mongoStoreOptions } from '../stores/mongo-store.ts';
import { createReconnectingStore, type StoreConnection } from '../stores/reconnecting-store.ts';
import { createSqsHandler } from './create-sqs-handler.ts';
import { SqsDeadLetterSink } from './dead-letter-sink.ts';
import { EventBridgeAlertPublisher } from './eventbridge-alert-publisher.ts';
import { createServiceLogger } from './service-logger.ts';
import { SqsRequestSink } from './sqs-request-sink.ts';

// Cold start: configuration is validated once; a bad setting fails the init with a message naming it.
const config = loadServiceConfig(process.env);
if (config.deadLetterQueueUrl === undefined) {
  throw new ConfigError('invalid configuration: DLQ_URL is required (permanent failures are sent there)');
}
const logger = createServiceLogger({ serviceName: config.serviceName });
const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
const tracer = new Tracer({ serviceName: config.serviceName });
const sqs = tracer.captureAWSv3Client(new SQSClient({}));
const processor = new BatchProcessor(EventType.SQS);
const alertBusName = config.alerts.enabled ? config.alertBusName : undefined;
if (config.alerts.enabled && alertBusName === undefined) {
  throw new ConfigError(
    'invalid configuration: ALERTS=on needs ALERT_BUS_NAME (the EventBridge bus alerts go to)',
  );
}

// The Secrets Manager call is traced like the SQS client; the module stays free of the tracer.
const fetchSecret = createSecretFetcher({ captureClient: (client) => tracer.captureAWSv3Client(client) });

/**
 * A MongoDB connection of this execution environment: the connection string
 * is read from Secrets Manager (cached; `fresh` after an authentication
 * failure bypasses the cache) and one client with a small pool serves every
 * invocation until it is replaced.
 */
async function connectStore(fresh: boolean): Promise<StoreConnection> {
  const uri = await resolveMongoUri(config, process.env, fetchSecret, { fresh });
  const client = createMongoClient(uri);
  return { store: new MongoDetectionStore(client, mongoStoreOptions(config)), close: () => client.close() };
}

/**
 * The Lambda entry point: SQS batches of request messages, partial batch
 * responses (`reportBatchItemFailures`), see `createSqsHandler`.
 *
 * @example
 * // CDK: new NodejsFunction(this, 'Detector', { entry: 'lambdas/handler/sqs-handler.ts', handler: 'handler' })
 */
export const handler = createSqsHandler({
  config,
  // Opened on the first record (a failure fails that record transiently and is retried on the next);
  // a rotated secret is re-read and the client reconnected once before a record fails transiently.
  store: () => createReconnectingStore(connectStore),
  deadLetters: new SqsDeadLetterSink(sqs, config.deadLetterQueueUrl),
  // All-asset requests fan out to the function's own queue; without one they fail permanently, saying so.
  ...(config.requestQueueUrl === undefined
    ? {}
    : { requests: new SqsRequestSink(sqs, config.requestQueueUrl) }),
  ...(alertBusName === undefined
    ? {}
    : {
        alerts: new EventBridgeAlertPublisher(
          tracer.captureAWSv3Client(new EventBridgeClient({})),
          alertBusName,
        ),
      }),
  processor,
  logger,
  metrics,
  tracer,
});
