import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { doc, nestedArray } from './hostile-files.ts';
import { expectHandled, HANG_MS, runCli } from './run-cli.ts';

/** One record of a hand-written SQS event. */
interface EventRecord {
  readonly messageId: string;
  readonly body: string;
  /** The `SentTimestamp` attribute as SQS writes it (text). @default 2022-05-21 */
  readonly sent?: string;
}

/**
 * Bad requests and bad store documents through `riskfence invoke`, the Lambda
 * handler on a file store: each row gives the event's records and the store's
 * lines, and states what the handler printed, what was dead-lettered, and what
 * the store holds afterwards.
 */
interface Row {
  readonly name: string;
  readonly records: readonly EventRecord[];
  /** The store's lines (each without its newline). */
  readonly store: readonly string[];
  readonly check: (after: After) => void;
}

/** What a run left behind. */
interface After {
  readonly result: {
    batchItemFailures: { itemIdentifier: string }[];
    deadLettered: { messageId: string; errorCode: string; errorMessage: string }[];
    recordsProcessed: number;
    flagsWritten: number;
    documentsRead: number;
  };
  readonly stderr: string;
  /** The dead-letter file's records. */
  readonly deadLetters: { messageId: string; errorCode: string; errorMessage: string; body: string }[];
  /** The store's lines before and after. */
  readonly before: readonly string[];
  readonly lines: readonly string[];
}

const root = mkdtempSync(join(tmpdir(), 'riskfence-robustness-invoke-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SENT = String(Date.UTC(2022, 4, 21));
/** Twenty days of bitcoin with a volume spike on day 13: the request below flags it. */
const STORE = Array.from({ length: 20 }, (_, i) => doc(i, { volume: i === 13 ? 1000 : 10 + (i % 3) }));
const REQUEST = JSON.stringify({
  version: 1,
  assets: ['bitcoin'],
  asOf: '2022-05-21T00:00:00Z',
  metrics: ['volume'],
});
const flagged = (line: string) => JSON.parse(line).anomalies !== undefined;

const ROWS: readonly Row[] = [
  {
    name: 'a SentTimestamp of 99999999999999999 is dead-lettered once as INVALID_DATE, not retried',
    records: [
      {
        messageId: 'far',
        body: '{"version":1,"assets":["bitcoin"],"metrics":["volume"]}',
        sent: '99999999999999999',
      },
      { messageId: 'fine', body: REQUEST },
    ],
    store: STORE,
    check: ({ result, deadLetters, lines }) => {
      expect(result.batchItemFailures).toEqual([]);
      expect(result.deadLettered).toEqual([
        {
          messageId: 'far',
          errorCode: 'INVALID_DATE',
          errorMessage: expect.stringMatching(/^SentTimestamp: 100000000000000000 is not epoch milliseconds/),
        },
      ]);
      expect(deadLetters.map((d) => [d.messageId, d.errorCode])).toEqual([['far', 'INVALID_DATE']]);
      // The other record of the batch is unaffected.
      expect(result.flagsWritten).toBeGreaterThan(0);
      expect(lines.filter(flagged).length).toBe(result.flagsWritten);
    },
  },
  {
    name: 'a legacy date 31-02-2022 is dead-lettered quoting what was sent',
    records: [{ messageId: 'feb', body: '[{"assetName":"bitcoin","date":"31-02-2022"}]' }],
    store: STORE,
    check: ({ result, deadLetters, before, lines }) => {
      expect(result.deadLettered).toEqual([
        {
          messageId: 'feb',
          errorCode: 'INVALID_DATE',
          errorMessage: '[0].date: impossible date: "31-02-2022" (day first)',
        },
      ]);
      expect(deadLetters[0]!.body).toBe('[{"assetName":"bitcoin","date":"31-02-2022"}]');
      expect(lines).toEqual(before);
    },
  },
  {
    name: 'a store document nested 100,000 levels deep is a skipped, counted line, kept byte for byte',
    records: [{ messageId: 'deep', body: REQUEST }],
    // The spike itself is the deep document: flagged, it would be serialised to be written back.
    store: [
      ...STORE.slice(0, 13),
      doc(13, { volume: 1000, x: 1 }).replace('"x":1', `"x":${nestedArray(100_000)}`),
      ...STORE.slice(14),
    ],
    check: ({ result, stderr, before, lines }) => {
      expect(stderr).toMatch(/1 unreadable line/);
      expect(result.batchItemFailures).toEqual([]);
      expect(result.deadLettered).toEqual([]);
      expect(result.documentsRead).toBe(19);
      expect(lines[13]).toBe(before[13]);
      expect(lines.filter(flagged).length).toBe(result.flagsWritten);
    },
  },
  {
    name: 'a store document timed in epoch seconds is never read as a time in January 1970',
    records: [
      {
        messageId: 'seventies',
        body: JSON.stringify({
          version: 1,
          assets: ['bitcoin'],
          asOf: '1970-01-25T00:00:00Z',
          metrics: ['volume'],
        }),
      },
    ],
    store: [
      ...STORE,
      JSON.stringify({ coin_id: 'bitcoin', timestamp: Date.UTC(2022, 4, 19) / 1000, volume: 1e9 }),
    ],
    check: ({ result, before, lines }) => {
      expect([result.documentsRead, result.flagsWritten]).toEqual([0, 0]);
      expect(lines).toEqual(before);
    },
  },
  {
    name: 'a body nested 100,000 levels deep is a permanent schema violation',
    records: [{ messageId: 'deep-body', body: nestedArray(100_000) }],
    store: STORE,
    check: ({ result, before, lines }) => {
      expect(result.batchItemFailures).toEqual([]);
      expect(result.deadLettered.map((d) => [d.messageId, d.errorCode])).toEqual([
        ['deep-body', 'SCHEMA_VIOLATION'],
      ]);
      expect(lines).toEqual(before);
    },
  },
  {
    name: 'a body of terminal escape sequences is INVALID_JSON with the escapes quoted, not replayed',
    records: [{ messageId: 'ansi', body: '\u001b[2J\u001b]0;owned\u0007' }],
    store: STORE,
    check: ({ result, deadLetters }) => {
      expect(result.deadLettered).toEqual([
        {
          messageId: 'ansi',
          errorCode: 'INVALID_JSON',
          errorMessage: expect.stringMatching(/\\u001b\[2J\\u001b\]0;owned\\u0007/),
        },
      ]);
      expect(deadLetters[0]!.body).toBe('\u001b[2J\u001b]0;owned\u0007');
    },
  },
];

describe.concurrent('bad requests and store documents through riskfence invoke', () => {
  it.each(ROWS)(
    '$name',
    async ({ records, store, check }) => {
      const dir = mkdtempSync(join(root, 'case-'));
      const paths = {
        event: join(dir, 'event.json'),
        store: join(dir, 'docs.ndjson'),
        dlq: join(dir, 'dlq.ndjson'),
      };
      const event = {
        Records: records.map((r) => ({
          messageId: r.messageId,
          body: r.body,
          attributes: { SentTimestamp: r.sent ?? SENT },
        })),
      };
      writeFileSync(paths.event, JSON.stringify(event));
      writeFileSync(paths.store, `${store.join('\n')}\n`);
      const run = await runCli([
        'invoke',
        '--event',
        paths.event,
        '--store',
        paths.store,
        '--dead-letter',
        paths.dlq,
      ]);
      expectHandled(run, 0);
      const deadLetters = readLines(paths.dlq).map((l) => JSON.parse(l));
      check({
        result: JSON.parse(run.stdout),
        stderr: run.stderr,
        deadLetters,
        before: store,
        lines: readFileSync(paths.store, 'utf8').split('\n').slice(0, -1),
      });
    },
    HANG_MS + 15_000,
  );
});

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}
