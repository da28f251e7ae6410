import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../../lambdas/core/detector-options.ts';
import { InvalidMessageError } from '../../lambdas/requests/invalid-message-error.ts';
import { AlertPublishError } from '../../lambdas/service/alerts.ts';
import { classifyFailure } from '../../lambdas/service/failure-policy.ts';
import { FanOutSendError, FanOutUnavailableError } from '../../lambdas/service/fan-out.ts';
import { DeadlineError } from '../../lambdas/service/process-record.ts';
import { PermanentStoreError, TransientStoreError } from '../../lambdas/stores/store-errors.ts';

describe('classifyFailure(error)', () => {
  it.each([
    [
      new InvalidMessageError('INVALID_JSON', 'body: not JSON'),
      'permanent',
      'INVALID_JSON',
      'body: not JSON',
    ],
    [new InvalidMessageError('UNKNOWN_METRIC', 'metrics[0]'), 'permanent', 'UNKNOWN_METRIC', 'metrics[0]'],
    [new InvalidOptionsError('deviationLimit: 0'), 'permanent', 'INVALID_OPTIONS', 'deviationLimit: 0'],
    [
      new PermanentStoreError('PathNotViable', 'MONGO_28'),
      'permanent',
      'STORE_REJECTED',
      'MONGO_28: PathNotViable',
    ],
    [new TransientStoreError('network'), 'transient', 'STORE_UNAVAILABLE', 'network'],
    [new FanOutUnavailableError('no queue'), 'permanent', 'FAN_OUT_UNAVAILABLE', 'no queue'],
    [new FanOutSendError('3 of 9 not sent'), 'transient', 'FAN_OUT_FAILED', '3 of 9 not sent'],
    [new DeadlineError('only 900 ms left'), 'transient', 'DEADLINE', 'only 900 ms left'],
    [new AlertPublishError('2 of 5 not published', 2), 'transient', 'ALERTS_FAILED', '2 of 5 not published'],
    [new TypeError('x is undefined'), 'transient', 'INTERNAL_ERROR', 'TypeError: x is undefined'],
    ['a string', 'transient', 'INTERNAL_ERROR', 'a string'],
  ])('%s → %s %s', (error, kind, code, message) => {
    expect(classifyFailure(error)).toEqual({ kind, code, message });
  });

  it('redacts connection strings from the message', () => {
    const failure = classifyFailure(
      new TransientStoreError('cannot reach mongodb+srv://admin:hunter2@db.example.net/x'),
    );
    expect(failure.message).toBe('cannot reach mongodb://<redacted>');
  });
});
