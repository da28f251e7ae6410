import { redactSecrets } from '../config/redact.ts';
import { InvalidOptionsError } from '../core/detector-options.ts';
import { InvalidMessageError } from '../requests/invalid-message-error.ts';
import { PermanentStoreError, TransientStoreError } from '../stores/store-errors.ts';
import { AlertPublishError } from './alerts.ts';
import { FanOutSendError, FanOutUnavailableError } from './fan-out.ts';
import { DeadlineError } from './process-record.ts';

/** What happens to a failed record (SPEC section 4). */
export const FailureKind = {
  /** Retrying cannot help: dead-letter at once. */
  Permanent: 'permanent',
  /** Report as a batch item failure; SQS retries, then redrives to the DLQ after maxReceiveCount. */
  Transient: 'transient',
} as const;
/** `'permanent'` or `'transient'`. */
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

/** A classified record failure, safe to log and to send as message attributes. */
export interface Failure {
  readonly kind: FailureKind;
  /** `errorCode`: the parser's code (`INVALID_JSON`, …) or one of the service's own. */
  readonly code: string;
  /** `errorMessage`, with any connection string redacted. */
  readonly message: string;
}

/** Codes of failures that do not come from the request parser. */
export const ServiceErrorCode = {
  /** The request's parameters were rejected by the detector (permanent). */
  InvalidOptions: 'INVALID_OPTIONS',
  /** The store refused an operation for good (permanent), e.g. a document whose flags field is not an object. */
  StoreRejected: 'STORE_REJECTED',
  /** The store could not be reached or timed out (transient). */
  StoreUnavailable: 'STORE_UNAVAILABLE',
  /** An all-asset request where no request queue is configured (permanent: a configuration to fix). */
  FanOutUnavailable: 'FAN_OUT_UNAVAILABLE',
  /** Some chunk requests of a fan-out could not be sent (transient: the retry sends the same bodies). */
  FanOutFailed: 'FAN_OUT_FAILED',
  /** Some alerts could not be published (transient: the retry finds the same flags new and publishes them). */
  AlertsFailed: 'ALERTS_FAILED',
  /** Too little of the invocation was left to start a read (transient). */
  Deadline: 'DEADLINE',
  /** Anything unexpected (transient: a retry may succeed, and SQS dead-letters it after maxReceiveCount). */
  Internal: 'INTERNAL_ERROR',
} as const;

/**
 * Sorts a record's error into permanent or transient, exactly as SPEC section
 * 4 says: bad messages (every `InvalidMessageError`), parameters the detector
 * rejects and store rejections are permanent; store unavailability and any
 * unexpected error are transient, so nothing is dead-lettered without cause
 * and nothing is lost.
 *
 * @param error - what the record's processing threw
 * @returns the failure, message redacted
 *
 * @example
 * classifyFailure(new InvalidMessageError('INVALID_JSON', 'body is not JSON'));
 * // { kind: 'permanent', code: 'INVALID_JSON', message: 'body is not JSON' }
 */
export function classifyFailure(error: unknown): Failure {
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  if (error instanceof InvalidMessageError) return { kind: FailureKind.Permanent, code: error.code, message };
  if (error instanceof InvalidOptionsError) {
    return { kind: FailureKind.Permanent, code: ServiceErrorCode.InvalidOptions, message };
  }
  if (error instanceof PermanentStoreError) {
    return {
      kind: FailureKind.Permanent,
      code: ServiceErrorCode.StoreRejected,
      message: `${error.reason}: ${message}`,
    };
  }
  if (error instanceof FanOutUnavailableError) {
    return { kind: FailureKind.Permanent, code: ServiceErrorCode.FanOutUnavailable, message };
  }
  if (error instanceof FanOutSendError)
    return { kind: FailureKind.Transient, code: ServiceErrorCode.FanOutFailed, message };
  if (error instanceof AlertPublishError)
    return { kind: FailureKind.Transient, code: ServiceErrorCode.AlertsFailed, message };
  if (error instanceof DeadlineError)
    return { kind: FailureKind.Transient, code: ServiceErrorCode.Deadline, message };
  if (error instanceof TransientStoreError) {
    return { kind: FailureKind.Transient, code: ServiceErrorCode.StoreUnavailable, message };
  }
  const name = error instanceof Error ? `${error.name}: ` : '';
  return { kind: FailureKind.Transient, code: ServiceErrorCode.Internal, message: `${name}${message}` };
}
