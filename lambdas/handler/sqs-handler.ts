import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SQSClient } from '@aws-sdk/client-sqs';
import { resolveMongoUri } from '../config/mongo-uri.ts';
import { ConfigError, loadServiceConfig } from '../config/service-config.ts';
import { createMongoClient, MongoDetectionStore, mongoStoreOptions } from '../stores/mongo-store.ts';
import { createSqsHandler } from './create-sqs-handler.ts';
import { SqsDeadLetterSink } from './dead-letter-sink.ts';
import { createServiceLogger } from './service-logger.ts';

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

/**
 * The MongoDB store of this execution environment: the connection string is
 * read from Secrets Manager on first use (cached) and one client with a small
 * pool is reused by every invocation. A failure (secret unreadable) fails the
 * records transiently and is retried on the next record.
 */
async function createStore(): Promise<MongoDetectionStore> {
  const uri = await resolveMongoUri(config, process.env);
  return new MongoDetectionStore(createMongoClient(uri), mongoStoreOptions(config));
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
  store: createStore,
  deadLetters: new SqsDeadLetterSink(sqs, config.deadLetterQueueUrl),
  processor,
  logger,
  metrics,
  tracer,
});
