import type { Writable } from 'node:stream';
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { redactingReplacer } from '../config/redact.ts';

/**
 * The service's Powertools Logger: JSON lines, with every MongoDB connection
 * string redacted from every value (messages, attributes, error messages and
 * stacks), whatever a driver error quotes.
 *
 * @param options - Powertools options (service name, log level, …)
 *
 * @example
 * const logger = createServiceLogger({ serviceName: config.serviceName });
 */
export function createServiceLogger(options: ConstructorOptions = {}): Logger {
  return new Logger({ ...options, jsonReplacerFn: redactingReplacer });
}

/**
 * A Powertools Logger writing its JSON lines to a given stream instead of
 * stdout, so that a command's stdout stays pure JSON (`riskfence invoke` logs
 * to stderr). Child loggers write to the same stream. Redacts like
 * {@link createServiceLogger}.
 *
 * @example
 * const logger = new StreamLogger(io.stderr, { serviceName: 'riskfence', logLevel: 'WARN' });
 */
export class StreamLogger extends Logger {
  // Not a #private field: the base constructor may print before subclass fields exist.
  readonly stream: Writable | undefined;

  constructor(stream: Writable, options: ConstructorOptions = {}) {
    super({ ...options, jsonReplacerFn: redactingReplacer });
    this.stream = stream;
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new StreamLogger(this.stream ?? process.stderr, options);
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    (this.stream ?? process.stderr).write(`${JSON.stringify(log.getAttributes(), this.getJsonReplacer())}\n`);
  }
}
