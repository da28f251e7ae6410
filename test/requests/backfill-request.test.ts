import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidMessageError } from '../../lambdas/requests/invalid-message-error.ts';
import { parseRequest } from '../../lambdas/requests/parse-request.ts';

const ctx = Object.freeze({
  sentTimestamp: Date.parse('2022-05-20T00:00:00Z'),
  metrics: ['volume'],
  defaults: { timeframes: [7], deviationLimit: 1.5 },
});
const parse = (fields: Record<string, unknown>) =>
  parseRequest(
    JSON.stringify({ version: 1, assets: ['bitcoin'], asOf: '2022-05-20T00:00:00Z', ...fields }),
    ctx,
  );

describe('parseRequest: a rolling backfill (backfillFrom)', () => {
  it('reads backfillFrom as the first instant to judge again', () => {
    expect(parse({ mode: 'rolling', backfillFrom: '2022-05-01' })[0]!.backfillFrom).toBe(
      Date.parse('2022-05-01'),
    );
    expect(parse({ mode: 'rolling' })[0]).not.toHaveProperty('backfillFrom');
  });

  it.each([
    [
      'in window mode',
      { backfillFrom: '2022-05-01' },
      ErrorCode.SchemaViolation,
      /only with "mode": "rolling"/,
    ],
    [
      'not before asOf',
      { mode: 'rolling', backfillFrom: '2022-05-20' },
      ErrorCode.InvalidDate,
      /before asOf/,
    ],
    [
      'more than 366 days back',
      { mode: 'rolling', backfillFrom: '2021-01-01' },
      ErrorCode.InvalidDate,
      /366 days/,
    ],
    ['not a date', { mode: 'rolling', backfillFrom: 'yesterday' }, ErrorCode.InvalidDate, /backfillFrom/],
  ])('refuses a backfill %s', (_, fields, code, message) => {
    const error = (() => {
      try {
        parse(fields);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as InvalidMessageError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
  });
});
