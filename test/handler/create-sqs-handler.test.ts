import { Writable } from 'node:stream';
import { BatchProcessor, EventType, FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSqsHandler, type RecordReport } from '../../lambdas/handler/create-sqs-handler.ts';
import { type DeadLetterSink, MemoryDeadLetterSink } from '../../lambdas/handler/dead-letter-sink.ts';
import { localContext } from '../../lambdas/handler/local-invocation.ts';
import { createServiceLogger, StreamLogger } from '../../lambdas/handler/service-logger.ts';
import type { FileDetectionStore } from '../../lambdas/stores/file-store.ts';
import { readAll } from '../../lambdas/stores/read-all.ts';
import { CONFIG, eventOf, fileStore, flakyFor, request } from './handler-fixtures.ts';

let fixture: Awaited<ReturnType<typeof fileStore>>;
beforeEach(async () => {
  fixture = await fileStore();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fixture.cleanup();
});

const failures = (ids: string[]) => ({
  batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })),
});

function lineCollector(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

/** Captures what Powertools writes to stdout (EMF metrics, logs) and, with `stderr`, error logs too. */
function captureStdout(streams: NodeJS.WriteStream[] = [process.stdout]): () => Record<string, unknown>[] {
  const chunks: string[] = [];
  for (const stream of streams) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
  }
  return () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('createSqsHandler: failure policy', () => {
  it('a module-scope processor serves consecutive invocations without carrying failures over', async () => {
    const handler = createSqsHandler({
      config: CONFIG,
      store: flakyFor('flaky', fixture.store),
      deadLetters: new MemoryDeadLetterSink(),
      processor: new BatchProcessor(EventType.SQS),
    });
    const first = eventOf(['ok-1', request(['bitcoin'])], ['transient-1', request(['flaky'])]);
    const second = eventOf(['ok-2', request(['ethereum'])], ['transient-2', request(['flaky'])]);
    expect(await handler(first, localContext())).toEqual(failures(['transient-1']));
    expect(await handler(second, localContext())).toEqual(failures(['transient-2']));
  });

  it('a mixed batch: valid records processed, permanent ones dead-lettered, the transient one reported', async () => {
    const deadLetters = new MemoryDeadLetterSink();
    const reports: RecordReport[] = [];
    const handler = createSqsHandler({
      config: CONFIG,
      store: flakyFor('flaky', fixture.store),
      deadLetters,
      onRecord: (r) => reports.push(r),
    });
    const event = eventOf(
      ['valid', request(['bitcoin'])],
      ['not-json', '{"version": 1'],
      ['unknown-metric', request(['bitcoin'], { metrics: ['price'] })],
      ['transient', request(['flaky'])],
      ['legacy', '[{"assetName": "ethereum", "date": "14-05-2022"}]'],
    );
    expect(await handler(event, localContext())).toEqual(failures(['transient']));
    expect(deadLetters.entries.map((e) => [e.messageId, e.errorCode])).toEqual(
      expect.arrayContaining([
        ['not-json', 'INVALID_JSON'],
        ['unknown-metric', 'UNKNOWN_METRIC'],
      ]),
    );
    expect(deadLetters.entries).toHaveLength(2);
    expect(deadLetters.entries.find((e) => e.messageId === 'not-json')!.body).toBe('{"version": 1');
    const status = Object.fromEntries(reports.map((r) => [r.messageId, r.status]));
    expect(status).toEqual({
      valid: 'processed',
      'not-json': 'dead-lettered',
      'unknown-metric': 'dead-lettered',
      transient: 'failed',
      legacy: 'processed',
    });
    const written = await readAll(fixture.store, {
      assets: ['bitcoin'],
      from: 0,
      to: Date.parse('2030-01-01'),
      metrics: [],
    });
    // Only the spike is flagged, and only flagged documents are written.
    expect(written.documents.filter((d) => (d as { anomalies?: unknown }).anomalies).length).toBe(1);
  });

  it('a batch whose records all failed transiently throws FullBatchFailureError', async () => {
    const handler = createSqsHandler({
      config: CONFIG,
      store: flakyFor('bitcoin', fixture.store),
      deadLetters: new MemoryDeadLetterSink(),
    });
    const event = eventOf(['a', request(['bitcoin'])], ['b', request(['bitcoin', 'ethereum'])]);
    await expect(handler(event, localContext())).rejects.toBeInstanceOf(FullBatchFailureError);
  });

  it('permanent failures that were dead-lettered count as processed: an all-invalid batch succeeds', async () => {
    const deadLetters = new MemoryDeadLetterSink();
    const handler = createSqsHandler({ config: CONFIG, store: fixture.store, deadLetters });
    const event = eventOf(['a', 'nope'], ['b', '{"version": 2}']);
    expect(await handler(event, localContext())).toEqual(failures([]));
    expect(deadLetters.entries.map((e) => e.errorCode).sort()).toEqual([
      'INVALID_JSON',
      'UNSUPPORTED_VERSION',
    ]);
  });

  it('a permanent failure whose dead letter cannot be sent is reported as a batch item failure', async () => {
    const broken: DeadLetterSink = { send: () => Promise.reject(new Error('AccessDenied')) };
    const handler = createSqsHandler({ config: CONFIG, store: fixture.store, deadLetters: broken });
    const event = eventOf(['valid', request(['ethereum'])], ['invalid', 'nope']);
    expect(await handler(event, localContext())).toEqual(failures(['invalid']));
  });

  it('a store factory that rejects fails the records transiently and is retried by the next invocation', async () => {
    let calls = 0;
    const handler = createSqsHandler({
      config: CONFIG,
      store: async () => {
        calls++;
        if (calls === 1) throw new Error('secret not readable yet');
        return fixture.store;
      },
      deadLetters: new MemoryDeadLetterSink(),
    });
    const event = eventOf(['a', request(['bitcoin'])]);
    await expect(handler(event, localContext())).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(await handler(event, localContext())).toEqual(failures([]));
    await handler(event, localContext());
    expect(calls).toBe(2);
  });

  it('running the same batch twice writes no flag the second time', async () => {
    const reports: RecordReport[] = [];
    const handler = createSqsHandler({
      config: CONFIG,
      store: fixture.store as FileDetectionStore,
      deadLetters: new MemoryDeadLetterSink(),
      onRecord: (r) => reports.push(r),
    });
    const event = eventOf(['a', request(['bitcoin', 'ethereum'])]);
    await handler(event, localContext());
    await handler(event, localContext());
    const written = reports.map((r) => (r.status === 'processed' ? r.outcome.jobs[0]!.flagsWritten : -1));
    expect(written).toEqual([1, 0]);
  });
});

describe('createSqsHandler: observability', () => {
  it('publishes exactly the SPEC metric names once per invocation, timeframe and metric as the only dimensions', async () => {
    const emf = captureStdout();
    const handler = createSqsHandler({
      config: CONFIG,
      store: flakyFor('flaky', fixture.store),
      deadLetters: new MemoryDeadLetterSink(),
      metrics: new Metrics({ namespace: 'RiskFence', serviceName: 'riskfence' }),
    });
    await handler(
      eventOf(
        ['valid', request(['bitcoin', 'ethereum'])],
        ['bad', 'nope'],
        ['transient', request(['flaky'])],
      ),
      localContext(),
    );
    const blobs = emf();
    const names = new Set<string>();
    const values: Record<string, unknown> = {};
    for (const blob of blobs) {
      const [directive] = (
        blob._aws as {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        }
      ).CloudWatchMetrics;
      expect(directive!.Namespace).toBe('RiskFence');
      for (const m of directive!.Metrics) {
        names.add(m.Name);
        values[m.Name] = blob[m.Name];
        const dims = directive!.Dimensions.flat();
        expect(dims).not.toContain('asset');
        if (m.Name === 'AnomaliesDetected') expect(dims).toContain('timeframe');
        if (m.Name === 'DetectDuration') expect(dims).toContain('metric');
      }
    }
    expect([...names].sort()).toEqual(
      [
        'AlertsFailed',
        'AlertsPublished',
        'AnomaliesDetected',
        'AssetsEvaluated',
        'DataQualityIssues',
        'DetectDuration',
        'DocumentsRead',
        'EmptyReads',
        'FlagsRejected',
        'FlagsWritten',
        'InvalidMessages',
        'RequestsFannedOut',
        'ReadDuration',
        'RecordsFailed',
        'RecordsProcessed',
        'WriteDuration',
      ].sort(),
    );
    expect(values).toMatchObject({
      RecordsProcessed: 1,
      RecordsFailed: 1,
      InvalidMessages: 1,
      AssetsEvaluated: 2,
      DocumentsRead: 14,
      FlagsWritten: 1,
      DataQualityIssues: 0,
    });
    const timeframes = blobs
      .filter((b) => 'AnomaliesDetected' in b)
      .map((b) => [b.timeframe, b.AnomaliesDetected]);
    expect(timeframes.sort()).toEqual([
      ['3', 0],
      ['7', 1],
    ]);
    expect(
      blobs
        .filter((b) => 'DetectDuration' in b)
        .map((b) => b.metric)
        .sort(),
    ).toEqual(['latest_price', 'volume']);
  });

  it('every log line of a record carries its messageId; parsed records add assetCount and asOf', async () => {
    const logs = lineCollector();
    const handler = createSqsHandler({
      config: CONFIG,
      store: flakyFor('flaky', fixture.store),
      deadLetters: new MemoryDeadLetterSink(),
      logger: new StreamLogger(logs.stream, { serviceName: 'riskfence', logLevel: 'INFO' }),
    });
    await handler(
      eventOf(
        ['valid', request(['bitcoin', 'ethereum'])],
        ['bad', 'nope'],
        ['transient', request(['flaky'])],
      ),
      localContext(),
    );
    const lines = logs.lines();
    expect(lines.map((l) => [l.messageId, l.level, l.message]).sort()).toEqual([
      ['bad', 'WARN', 'record dead-lettered'],
      ['transient', 'ERROR', 'record failed; SQS will retry it'],
      ['valid', 'INFO', 'record processed'],
    ]);
    const valid = lines.find((l) => l.messageId === 'valid')!;
    expect(valid).toMatchObject({ assetCount: 2, asOf: '2022-05-15T00:00:00.000Z', flagsWritten: 1 });
    expect(lines.find((l) => l.messageId === 'bad')).toMatchObject({ errorCode: 'INVALID_JSON' });
  });

  it.each([
    ['missing', async () => ['risk_scores {"coin_id":1,"timestamp":1}'], 'indexes missing', 1],
    [
      'unreadable',
      async () => Promise.reject(new Error('not authorized on riskfence')),
      'could not check',
      0,
    ],
  ] as const)(
    'checks the indexes once per environment: %s ones are logged, never fail a record',
    async (_, missingIndexes, message, counted) => {
      const logs = lineCollector();
      let checks = 0;
      // The file store has no indexes to check; a delegating store that reports some does.
      const store = Object.assign(flakyFor('no-such-asset', fixture.store), {
        missingIndexes: () => {
          checks++;
          return missingIndexes();
        },
      });
      const blobs = captureStdout();
      try {
        const handler = createSqsHandler({
          config: CONFIG,
          store: async () => store,
          deadLetters: new MemoryDeadLetterSink(),
          logger: new StreamLogger(logs.stream, { serviceName: 'riskfence', logLevel: 'WARN' }),
          metrics: new Metrics({ namespace: 'RiskFence', serviceName: 'riskfence' }),
        });
        expect(await handler(eventOf(['a', request(['bitcoin'])]), localContext())).toEqual(failures([]));
        await handler(eventOf(['b', request(['bitcoin'])]), localContext());
      } finally {
        vi.restoreAllMocks();
      }
      expect(checks).toBe(1);
      expect(logs.lines().map((l) => String(l.message))).toEqual([expect.stringContaining(message)]);
      const missing = blobs().filter((b) => 'MissingIndexes' in b);
      expect(missing.map((b) => b.MissingIndexes)).toEqual(counted ? [counted] : []);
    },
  );

  it('record log lines say cold_start true on the first invocation of an environment only', async () => {
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    try {
      const logs = lineCollector();
      const handler = createSqsHandler({
        config: CONFIG,
        store: fixture.store,
        deadLetters: new MemoryDeadLetterSink(),
        logger: new StreamLogger(logs.stream, { serviceName: 'riskfence', logLevel: 'INFO' }),
      });
      await handler(eventOf(['first', request(['bitcoin'])]), localContext());
      await handler(eventOf(['second', request(['bitcoin'])]), localContext());
      expect(logs.lines().map((l) => [l.messageId, l.cold_start])).toEqual([
        ['first', true],
        ['second', false],
      ]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('captures the ColdStart metric on the first invocation only', async () => {
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const blobs = captureStdout();
    try {
      const metrics = new Metrics({ namespace: 'RiskFence', serviceName: 'riskfence' });
      const handler = createSqsHandler({
        config: CONFIG,
        store: fixture.store,
        deadLetters: new MemoryDeadLetterSink(),
        metrics,
      });
      await handler(eventOf(['a', request(['bitcoin'])]), localContext());
      await handler(eventOf(['b', request(['bitcoin'])]), localContext());
    } finally {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    }
    expect(blobs().filter((b) => 'ColdStart' in b)).toEqual([expect.objectContaining({ ColdStart: 1 })]);
  });

  it('the Lambda logger never prints the MongoDB URI or its credentials, whatever an error quotes', async () => {
    const stdout = captureStdout([process.stdout, process.stderr]);
    const uri = 'mongodb+srv://riskfence:Sup3rSecret@cluster0.example.net/riskfence?retryWrites=true';
    const handler = createSqsHandler({
      config: CONFIG,
      store: flakyFor('flaky', fixture.store, `cannot reach ${uri}`),
      deadLetters: new MemoryDeadLetterSink(),
      logger: createServiceLogger({ serviceName: 'riskfence', logLevel: 'DEBUG' }),
    });
    await handler(eventOf(['transient', request(['flaky'])], ['ok', request(['bitcoin'])]), localContext());
    const lines = stdout();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('Sup3rSecret');
    expect(text).not.toContain('cluster0.example.net');
    expect(text).toContain('mongodb://<redacted>');
  });

  it('opens one trace subsegment per record with read, detect and write inside, all closed', async () => {
    type Node = { name: string; children: Node[]; closed: boolean; annotations: Record<string, unknown> };
    const node = (name: string): Node & Record<string, unknown> => {
      const n: Node & Record<string, unknown> = {
        name,
        children: [],
        closed: false,
        annotations: {},
        addNewSubsegment: (child: string) => {
          const c = node(child);
          n.children.push(c);
          return c;
        },
        addAnnotation: (k: string, v: unknown) => {
          n.annotations[k] = v;
        },
        addError: () => undefined,
        close: () => {
          n.closed = true;
        },
      };
      return n;
    };
    const root = node('facade');
    let current: Node & Record<string, unknown> = root;
    const calls: string[] = [];
    const tracer = {
      isTracingEnabled: () => true,
      getSegment: () => current,
      setSegment: (s: Node & Record<string, unknown>) => {
        current = s;
      },
      annotateColdStart: () => calls.push(`ColdStart on ${current.name}`),
      addServiceNameAnnotation: () => calls.push(`Service on ${current.name}`),
      // As the X-Ray SDK does: a subsegment under the given parent, current while the function runs.
      provider: {
        captureAsyncFunc: (
          name: string,
          fn: (s: unknown) => unknown,
          parent: Node & Record<string, unknown>,
        ) => fn((parent.addNewSubsegment as (n: string) => unknown)(name)),
      },
    } as unknown as Tracer;
    const handler = createSqsHandler({
      config: CONFIG,
      store: fixture.store,
      deadLetters: new MemoryDeadLetterSink(),
      tracer,
    });
    await handler(eventOf(['a', request(['bitcoin'])], ['b', 'nope']), localContext());
    const shape = (n: Node): unknown => [n.name, n.closed, n.children.map(shape)];
    expect(root.children.map(shape)).toEqual([
      [
        '## handler',
        true,
        [
          [
            '## record',
            true,
            [
              ['read', true, []],
              ['detect', true, []],
              ['write', true, []],
            ],
          ],
          ['## record', true, []],
        ],
      ],
    ]);
    expect(root.children[0]!.children.map((c) => c.annotations.messageId)).toEqual(['a', 'b']);
    expect(calls).toEqual(['ColdStart on ## handler', 'Service on ## handler']);
    expect(current).toBe(root);
  });
});
