/**
 * Why a request message was rejected. Every code is a permanent error (SPEC
 * section 4): the message goes to the dead-letter queue at once, with the code
 * as its `errorCode` message attribute.
 */
export const ErrorCode = {
  /** The body is empty or not JSON. */
  InvalidJson: 'INVALID_JSON',
  /** The body exceeds SQS's classic 256 KiB message size (no valid request comes close). */
  BodyTooLarge: 'BODY_TOO_LARGE',
  /** Wrong shape or type, unknown or missing key, number out of range. */
  SchemaViolation: 'SCHEMA_VIOLATION',
  /** `version` is not 1. */
  UnsupportedVersion: 'UNSUPPORTED_VERSION',
  /** A requested metric is not one the deployment is configured with. */
  UnknownMetric: 'UNKNOWN_METRIC',
  /** More than 1000 assets, or more than 500 legacy items. */
  LimitExceeded: 'LIMIT_EXCEEDED',
  /** An impossible or badly formatted date (`2022-02-30`, `31-04-2022`). */
  InvalidDate: 'INVALID_DATE',
  /** An asset name outside `^[A-Za-z0-9._:-]{1,128}$` (or not a string). */
  InvalidAsset: 'INVALID_ASSET',
} as const;
/** One of the {@link ErrorCode} values, e.g. `'INVALID_JSON'`. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A request message that can never succeed, however often it is retried.
 *
 * The message names the field (`assets[3]`, `[12].date`) and never echoes more
 * than a short excerpt of the input, so it is safe to log and to put into an
 * SQS message attribute.
 *
 * @example
 * throw new InvalidMessageError(ErrorCode.UnknownMetric, 'metrics[0]: "price" is not a configured metric');
 */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';

  /** Why the message was rejected (the `errorCode` attribute of its dead letter). */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
