import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEVIATION_LIMIT,
  DEFAULT_METRICS,
  DEFAULT_TIMEFRAMES,
} from '../../lambdas/core/detector-options.ts';
import { ErrorCode, InvalidMessageError } from '../../lambdas/requests/invalid-message-error.ts';
import {
  type DetectionJob,
  parseRequest,
  type RequestContext,
} from '../../lambdas/requests/parse-request.ts';
import { BAD_MESSAGES } from './bad-messages.ts';

const SENT = Date.parse('2023-01-15T08:30:00.000Z');
const ctx: RequestContext = Object.freeze({
  sentTimestamp: SENT,
  metrics: Object.freeze([...DEFAULT_METRICS]),
  defaults: Object.freeze({
    timeframes: Object.freeze([...DEFAULT_TIMEFRAMES]),
    deviationLimit: DEFAULT_DEVIATION_LIMIT,
  }),
});

/** The job every omitted field falls back to. */
const defaults: DetectionJob = {
  assets: null,
  asOf: SENT,
  timeframes: [3, 7, 30],
  metrics: [...DEFAULT_METRICS],
  deviationLimit: 1.5,
  mode: 'window',
};

function rejection(body: string, context: RequestContext = ctx): InvalidMessageError {
  try {
    parseRequest(body, context);
  } catch (e) {
    if (e instanceof InvalidMessageError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('parseRequest rejects the bad-input corpus', () => {
  it('holds at least 30 bodies with distinct names', () => {
    expect(BAD_MESSAGES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(BAD_MESSAGES.map((m) => m.name)).size).toBe(BAD_MESSAGES.length);
  });

  it.each(BAD_MESSAGES)('$name → $errorCode', ({ body, errorCode, message }) => {
    const error = rejection(body);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.name).toBe('InvalidMessageError');
    expect({ code: error.code, message: error.message }).toEqual({
      code: errorCode,
      message: expect.stringMatching(message),
    });
    // Safe for logs and for an SQS message attribute: never an echo of the body, no control characters.
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).not.toMatch(/\p{Cc}/u);
  });

  it('covers every error code', () => {
    expect(new Set(BAD_MESSAGES.map((m) => m.errorCode))).toEqual(new Set(Object.values(ErrorCode)));
  });
});

describe('parseRequest and the send time', () => {
  it.each([
    ['far past the last date', Number('99999999999999999')],
    ['NaN', Number.NaN],
    ['before the year 0', -1e15],
  ])('a SentTimestamp %s, needed as the default asOf, is a permanent INVALID_DATE naming it', (_, sent) => {
    const error = rejection('{"version":1}', { ...ctx, sentTimestamp: sent });
    expect([error.code, error.message]).toEqual([
      ErrorCode.InvalidDate,
      expect.stringMatching(/^SentTimestamp: .* is not epoch milliseconds in the years 0000\.\.9999/),
    ]);
  });

  it('a bad SentTimestamp does not matter when the body gives asOf', () => {
    const jobs = parseRequest('{"version":1,"asOf":"2022-05-12"}', { ...ctx, sentTimestamp: 1e17 });
    expect(jobs[0]!.asOf).toBe(Date.UTC(2022, 4, 12));
  });
});

describe('parseRequest reads version 1', () => {
  it('fills every omitted field from the context: all assets, asOf = SentTimestamp', () => {
    expect(parseRequest('{"version":1}', ctx)).toEqual([defaults]);
  });

  it('takes every field as given', () => {
    const body = JSON.stringify({
      version: 1,
      assets: ['ethereum', 'bitcoin'],
      asOf: '2022-05-12T00:00:00Z',
      timeframes: [7, 30],
      metrics: ['volume', 'latest_price'],
      deviationLimit: 3,
      mode: 'rolling',
    });
    expect(parseRequest(body, ctx)).toEqual([
      {
        assets: ['bitcoin', 'ethereum'],
        asOf: Date.parse('2022-05-12T00:00:00Z'),
        timeframes: [7, 30],
        metrics: ['latest_price', 'volume'],
        deviationLimit: 3,
        mode: 'rolling',
      },
    ]);
  });

  it('normalizes: duplicates dropped, assets sorted, timeframes ascending, metrics in configured order', () => {
    const body = JSON.stringify({
      version: 1,
      assets: ['b', 'a', 'b', 'A'],
      timeframes: [30, 3, 30, 7],
      metrics: ['volume', 'latest_price', 'volume'],
    });
    const [job] = parseRequest(body, ctx);
    expect(job).toMatchObject({
      assets: ['A', 'a', 'b'],
      timeframes: [3, 7, 30],
      metrics: ['latest_price', 'volume'],
    });
  });

  it.each([
    ['2022-05-12', '2022-05-12T00:00:00.000Z'],
    ['2022-05-12T06:30:00', '2022-05-12T06:30:00.000Z'],
    ['2022-05-12T06:30:00+02:00', '2022-05-12T04:30:00.000Z'],
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
  ])('reads asOf %s as %s (no offset = UTC)', (asOf, iso) => {
    expect(parseRequest(JSON.stringify({ version: 1, asOf }), ctx)[0]!.asOf).toBe(Date.parse(iso));
  });

  it('accepts the boundaries: 1000 assets, 128-character names, timeframes 1 and 365, k = 100', () => {
    const assets = Array.from({ length: 999 }, (_, i) => `coin-${String(i).padStart(4, '0')}`);
    assets.push('x'.repeat(128));
    const body = JSON.stringify({ version: 1, assets, timeframes: [1, 365], deviationLimit: 100 });
    const [job] = parseRequest(body, ctx);
    expect(job!.assets).toHaveLength(1000);
    expect(job).toMatchObject({ timeframes: [1, 365], deviationLimit: 100 });
  });

  it('accepts asset names with every allowed punctuation mark', () => {
    const body = JSON.stringify({
      version: 1,
      assets: ['usd-coin', 'wrapped.eth', 'chain:token', 'a_b', 'A9'],
    });
    expect(parseRequest(body, ctx)[0]!.assets).toEqual([
      'A9',
      'a_b',
      'chain:token',
      'usd-coin',
      'wrapped.eth',
    ]);
  });

  it('counts assets before removing duplicates: 1001 entries exceed the limit even if one repeats', () => {
    const assets = Array.from({ length: 1001 }, (_, i) => `a${i % 1000}`);
    expect(rejection(JSON.stringify({ version: 1, assets })).code).toBe(ErrorCode.LimitExceeded);
  });

  it('accepts a tiny positive deviation limit and a body with surrounding whitespace', () => {
    expect(parseRequest('\n {"version":1,"deviationLimit":0.001} \n', ctx)[0]!.deviationLimit).toBe(0.001);
  });

  it('checks metrics against the configured ones, not the seven defaults', () => {
    const narrow: RequestContext = { ...ctx, metrics: ['volume'] };
    expect(parseRequest('{"version":1}', narrow)[0]!.metrics).toEqual(['volume']);
    const error = rejection('{"version":1,"metrics":["latest_price"]}', narrow);
    expect(error.code).toBe(ErrorCode.UnknownMetric);
    expect(error.message).toBe('metrics[0]: "latest_price" is not a configured metric (volume)');
  });
});

describe('parseRequest reads the Python producer’s legacy messages', () => {
  const dec28 = Date.parse('2022-12-28T00:00:00Z');

  it.each(['2022-12-27', '27-12-2022'])(
    '[{"date": "%s"}] is every asset as of the start of the following UTC day',
    (date) => {
      expect(parseRequest(JSON.stringify([{ date }]), ctx)).toEqual([{ ...defaults, asOf: dec28 }]);
    },
  );

  it('groups assetName items by date into one job per distinct date, ascending', () => {
    const body = JSON.stringify([
      { assetName: 'ethereum', date: '27-12-2022' },
      { assetName: 'bitcoin', date: '2022-12-26' },
      { assetName: 'bitcoin', date: '2022-12-27' },
      { assetName: 'ethereum', date: '2022-12-27' },
    ]);
    expect(parseRequest(body, ctx)).toEqual([
      { ...defaults, assets: ['bitcoin'], asOf: Date.parse('2022-12-27T00:00:00Z') },
      { ...defaults, assets: ['bitcoin', 'ethereum'], asOf: dec28 },
    ]);
  });

  it('lets an item without assetName widen its date to every asset', () => {
    const body = JSON.stringify([{ assetName: 'bitcoin', date: '2022-12-27' }, { date: '27-12-2022' }]);
    expect(parseRequest(body, ctx)).toEqual([{ ...defaults, asOf: dec28 }]);
  });

  it('accepts 500 items and the leap day; the last day of a year rolls into the next', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ assetName: `coin-${i}`, date: '29-02-2024' }));
    const [job] = parseRequest(JSON.stringify(items), ctx);
    expect(job!.assets).toHaveLength(500);
    expect(job!.asOf).toBe(Date.parse('2024-03-01T00:00:00Z'));
    expect(parseRequest('[{"date":"31-12-2022"}]', ctx)[0]!.asOf).toBe(Date.parse('2023-01-01T00:00:00Z'));
  });
});

describe('parseRequest output', () => {
  it('is frozen and shares nothing with the context', () => {
    const [job] = parseRequest('{"version":1,"assets":["bitcoin"]}', ctx);
    expect(Object.isFrozen(job)).toBe(true);
    expect(Object.isFrozen(job!.assets)).toBe(true);
    expect(Object.isFrozen(job!.timeframes)).toBe(true);
    expect(job!.metrics).not.toBe(ctx.metrics);
  });

  it('is the same for a body sent twice (a retry computes the same jobs)', () => {
    const body = '[{"assetName":"bitcoin","date":"27-12-2022"}]';
    expect(parseRequest(body, ctx)).toEqual(parseRequest(body, ctx));
  });
});

describe('parseRequest on arbitrary input', () => {
  const outcome = (body: string): 'ok' | ErrorCode => {
    try {
      parseRequest(body, ctx);
      return 'ok';
    } catch (e) {
      if (e instanceof InvalidMessageError) return e.code;
      throw e;
    }
  };

  it('either returns jobs or throws InvalidMessageError, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (body) => {
        outcome(body);
      }),
      { numRuns: 2000 },
    );
  });

  it('either returns jobs or throws InvalidMessageError, for any JSON value in any request position', () => {
    const value = fc.jsonValue({ maxDepth: 4 });
    const body = fc.oneof(
      value.map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            assets: value,
            asOf: value,
            timeframes: value,
            metrics: value,
            deviationLimit: value,
            mode: value,
          },
          { requiredKeys: [] },
        )
        .map((r) => JSON.stringify({ version: 1, ...r })),
      fc
        .array(fc.record({ assetName: value, date: value }, { requiredKeys: [] }))
        .map((a) => JSON.stringify(a)),
    );
    fc.assert(
      fc.property(body, (b) => {
        outcome(b);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every well-formed version-1 request and keeps its assets', () => {
    const request = fc.record({
      assets: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/), { minLength: 1, maxLength: 50 }),
      timeframes: fc.uniqueArray(fc.integer({ min: 1, max: 365 }), { minLength: 1, maxLength: 5 }),
      deviationLimit: fc.double({ min: 0.01, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(request, (r) => {
        const [job] = parseRequest(JSON.stringify({ version: 1, ...r }), ctx);
        expect([...job!.assets!].sort()).toEqual([...r.assets].sort());
        expect(job!.timeframes).toEqual([...r.timeframes].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
