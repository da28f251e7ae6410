import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { day, doc, docs, nestedArray, utf16, writeLargeInputs } from './hostile-files.ts';
import { type CliRun, type CliStdin, expectHandled, HANG_MS, runCli } from './run-cli.ts';

/**
 * Hostile and careless inputs through the real `riskfence` process: each row
 * names its files, the command line, the exit status, a pattern one line of
 * stderr must match, and optionally what the output must hold. Every row also
 * asserts no hang, no stack frame, no engine error and no raw control character
 * (see `expectHandled`).
 */
interface Row {
  readonly name: string;
  /** Files written into the case's directory before the run. */
  readonly files?: Readonly<Record<string, string | Buffer>>;
  /** The command line; `dir` is the case's directory. */
  readonly args: (dir: string) => string[];
  readonly stdin?: CliStdin;
  readonly code: 0 | 1 | 2;
  readonly problem?: RegExp;
  readonly check?: (run: CliRun, dir: string) => void;
}

const SAMPLE = 'sample/risk-scores-2022-2023.ndjson';
const root = mkdtempSync(join(tmpdir(), 'riskfence-robustness-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let big: Awaited<ReturnType<typeof writeLargeInputs>>;
beforeAll(async () => {
  big = await writeLargeInputs(root);
});

const detect =
  (file: string, ...more: string[]) =>
  (dir: string) => ['detect', '--input', join(dir, file), ...more];
/** Rolling-mode detect printing one NDJSON line per flag: an empty stdout means nothing was flagged. */
const flagsOf = (file: string) =>
  detect(file, '--metrics', 'volume', '--mode', 'rolling', '--format', 'ndjson');
/** The sample sizes per window of the JSON report, by timeframe. */
const windowSizes = (run: CliRun) =>
  (JSON.parse(run.stdout) as { results: { timeframe: number; n: number }[] }).results.map((r) => [
    r.timeframe,
    r.n,
  ]);

const DEEP = nestedArray(100_000);
const GOOD = docs(10);
/** GOOD with every time written as epoch seconds. */
const SECONDS = GOOD.replace(/\{"\$date":"([^"]+)"\}/g, (_, iso: string) => String(Date.parse(iso) / 1000));
/** Alternating ±1e308, and the [1e308, 1e308, 1.7e308] series that overflowed the axis. */
const EXTREME = Array.from(
  { length: 30 },
  (_, i) => `${doc(i, { volume: i % 2 ? 1e308 : -1e308, latest_price: [1e308, 1e308, 1.7e308][i % 3] })}\n`,
).join('');
/** Twelve documents of constant volume, the ninth rewritten: a spike there is flagged in rolling mode. */
const withNinth = (ninth: string) =>
  Array.from({ length: 12 }, (_, i) => `${i === 8 ? ninth : doc(i, { volume: 10 })}\n`).join('');
/** The spike under the first of two `volume` keys: JSON's last duplicate wins, so nothing is flagged. */
const DUPLICATE_KEYS = withNinth(doc(8, { volume: 10 }).replace('{', '{"volume":1e12,'));
/** The spike only under a `__proto__` key: a plain field, never the document's prototype, so nothing is flagged. */
const PROTO_KEY = withNinth(
  JSON.stringify({ coin_id: 'bitcoin', timestamp: day(8) }).replace('{', '{"__proto__":{"volume":1e12},'),
);

const ROWS: readonly Row[] = [
  // Deep nesting
  {
    name: 'an NDJSON line nested 100,000 levels deep',
    files: { 'deep.ndjson': `${doc(0)}\n${DEEP}\n${docs(5, 1)}` },
    args: detect('deep.ndjson'),
    code: 0,
    problem: /deep\.ndjson:2: not a JSON object: an array, "\[+"…$/,
  },
  {
    name: 'a JSON array element nested 100,000 levels deep, in report',
    files: { 'deep.json': `[${doc(0)},\n${DEEP},\n${doc(1)}]` },
    args: (dir) => ['report', '--input', join(dir, 'deep.json'), '--out', join(dir, 'deep.html')],
    code: 0,
    problem: /deep\.json:2: not a JSON object: an array/,
  },
  {
    name: 'only a document nested 100,000 levels deep, in evaluate',
    files: { 'only-deep.ndjson': `${DEEP}\n` },
    args: (dir) => ['evaluate', '--input', join(dir, 'only-deep.ndjson')],
    code: 1,
    problem: /only-deep\.ndjson:1: not a JSON object: an array/,
  },
  {
    name: 'a good document with a field nested 100,000 levels deep (ignored by detect)',
    files: { 'deep-field.ndjson': `${doc(0, { x: 1 }).replace('"x":1', `"x":${DEEP}`)}\n${docs(5, 1)}` },
    args: detect('deep-field.ndjson', '--metrics', 'volume', '--format', 'json'),
    code: 0,
    check: (run) =>
      expect(windowSizes(run)).toEqual([
        [3, 3],
        [7, 6],
        [30, 6],
      ]),
  },
  {
    name: 'a time field nested 100,000 levels deep',
    files: { 'deep-time.ndjson': `{"coin_id":"bitcoin","timestamp":${DEEP}}\n${GOOD}` },
    args: detect('deep-time.ndjson'),
    code: 0,
    problem: /deep-time\.ndjson:1: field 'timestamp': not a timestamp: an array$/,
  },
  // Huge lines and endless input
  {
    name: 'a 20 MiB NDJSON line',
    args: () => ['detect', '--input', big.ndjson, '--metrics', 'volume', '--format', 'json'],
    code: 0,
    problem: /long\.ndjson:2: line longer than 16 MiB \(16777216 characters\); skipped$/,
    check: (run) =>
      expect(windowSizes(run)).toEqual([
        [3, 3],
        [7, 6],
        [30, 6],
      ]),
  },
  {
    name: 'a 20 MiB JSON array element',
    args: () => ['detect', '--input', big.json],
    code: 0,
    problem: /long\.json:2: JSON array element longer than 16 MiB/,
  },
  {
    name: 'a CSV quoted cell left open over 20 MiB',
    args: () => ['detect', '--input', big.csv],
    code: 0,
    problem: /long\.csv:3: CSV record \(an unclosed quote\?\) longer than 16 MiB/,
  },
  ...(['detect', 'report', 'evaluate'] as const).map(
    (command): Row => ({
      name: `${command} --input - < /dev/zero`,
      args: (dir) => [
        command,
        '--input',
        '-',
        ...(command === 'report' ? ['--out', join(dir, 'zero.html')] : []),
      ],
      stdin: { path: '/dev/zero' },
      code: 1,
      problem: /cannot read <stdin>: it is not text \(a NUL byte at offset 0/,
    }),
  ),
  // Extreme values
  {
    name: 'report on ±1e308 and [1e308, 1e308, 1.7e308] series',
    files: { 'extreme.ndjson': EXTREME },
    args: (dir) => ['report', '--input', join(dir, 'extreme.ndjson'), '--out', join(dir, 'extreme.html')],
    code: 0,
    check: (_, dir) => expect(statSync(join(dir, 'extreme.html')).size).toBeGreaterThan(1000),
  },
  {
    name: 'detect on ±1e308 series',
    files: { 'extreme.ndjson': EXTREME },
    args: detect('extreme.ndjson', '--metrics', 'volume,latest_price', '--format', 'json'),
    code: 0,
  },
  {
    name: '1e400 metric values (Infinity once parsed): bad values, not numbers',
    files: { 'e400.ndjson': GOOD.replace(/"volume":\d+/g, '"volume":1e400') },
    args: detect('e400.ndjson', '--metrics', 'volume', '--format', 'json'),
    code: 0,
    check: (run) =>
      expect(windowSizes(run)).toEqual([
        [3, 0],
        [7, 0],
        [30, 0],
      ]),
  },
  {
    name: 'negative zero metric values: numbers',
    files: { 'negzero.ndjson': GOOD.replace(/"volume":\d+/g, '"volume":-0') },
    args: detect('negzero.ndjson', '--metrics', 'volume', '--format', 'json'),
    code: 0,
    check: (run) =>
      expect(windowSizes(run)).toEqual([
        [3, 3],
        [7, 7],
        [30, 10],
      ]),
  },
  // Times
  {
    name: 'times as epoch seconds, on stdin',
    args: () => ['detect', '--input', '-'],
    stdin: { text: SECONDS },
    code: 1,
    problem:
      /<stdin>:1: field 'timestamp': numeric time 1651363200 looks like epoch seconds \(2022-05-01T00:00:00\.000Z\); times are epoch milliseconds$/,
  },
  {
    name: 'times as epoch seconds, in a CSV file',
    files: {
      'seconds.csv': `coin_id,timestamp,volume\n${Array.from({ length: 5 }, (_, i) => `bitcoin,${1651363200 + i * 86400},1`).join('\n')}\n`,
    },
    args: detect('seconds.csv'),
    code: 1,
    problem: /seconds\.csv:2: field 'timestamp': numeric time 1651363200 looks like epoch seconds/,
  },
  {
    // NDJSON files go through the field scanner; its numbers must meet the same rule.
    name: 'times as epoch seconds, in an NDJSON file',
    files: {
      'seconds.ndjson': `${Array.from({ length: 5 }, (_, i) => JSON.stringify({ coin_id: 'bitcoin', timestamp: 1651363200 + i * 86400, volume: 1 })).join('\n')}\n`,
    },
    args: detect('seconds.ndjson'),
    code: 1,
    problem: /seconds\.ndjson:1: field 'timestamp': numeric time 1651363200 looks like epoch seconds/,
  },
  {
    name: '--time-field latest_price --metrics volume (a float field, through the field scanner)',
    args: () => ['detect', '--input', SAMPLE, '--time-field', 'latest_price', '--metrics', 'volume'],
    code: 1,
    problem:
      /:1: field 'latest_price': numeric time [\d.]+ is not epoch milliseconds from 1990-01-01 to 9999-12-31$/,
  },
  {
    name: '--time-field latest_price (a float field)',
    args: () => ['detect', '--input', SAMPLE, '--time-field', 'latest_price'],
    code: 1,
    problem:
      /:1: field 'latest_price': numeric time [\d.]+ is not epoch milliseconds from 1990-01-01 to 9999-12-31$/,
  },
  {
    name: 'year 275760, a $numberLong past 9999 and a $date holding junk, among good documents',
    files: {
      'far-dates.ndjson': `${GOOD}{"coin_id":"b","timestamp":"+275760-09-13T00:00:00Z"}\n{"coin_id":"b","timestamp":{"$date":{"$numberLong":"8640000000000001"}}}\n{"coin_id":"b","timestamp":{"$date":{"junk":[1]}}}\n`,
    },
    args: detect('far-dates.ndjson', '--metrics', 'volume', '--format', 'json'),
    code: 0,
    problem: /far-dates\.ndjson:12: field 'timestamp': date outside the years 0000\.\.9999/,
    check: (run) =>
      expect(windowSizes(run)).toEqual([
        [3, 3],
        [7, 7],
        [30, 10],
      ]),
  },
  // Text, encodings and files
  {
    name: 'a line holding terminal escape sequences',
    files: { 'escapes.ndjson': `${GOOD}\u001b[2J\u001b[31m{"owned":1}\u0007\n` },
    args: detect('escapes.ndjson'),
    code: 0,
    problem: /escapes\.ndjson:11: invalid JSON: .*\\u001b\[2J\\u001b\[31m/,
  },
  {
    name: 'a UTF-8 byte-order mark and CRLF line ends: read as plain NDJSON',
    files: { 'bom-crlf.ndjson': `\uFEFF${GOOD.replaceAll('\n', '\r\n')}` },
    args: detect('bom-crlf.ndjson', '--metrics', 'volume', '--format', 'json'),
    code: 0,
    check: (run) => {
      expect(run.stderr).toBe('');
      expect(windowSizes(run)).toEqual([
        [3, 3],
        [7, 7],
        [30, 10],
      ]);
    },
  },
  {
    name: 'a UTF-16 file with a byte-order mark',
    files: { 'utf16.ndjson': utf16(GOOD, true) },
    args: detect('utf16.ndjson'),
    code: 1,
    problem: /utf16\.ndjson: it is UTF-16 text; convert it to UTF-8 first/,
  },
  {
    name: 'a UTF-16 file without a byte-order mark',
    files: { 'utf16-nobom.csv': utf16('coin_id,timestamp\nbitcoin,2022-05-01\n', false) },
    args: detect('utf16-nobom.csv'),
    code: 1,
    problem: /utf16-nobom\.csv: it is not text \(a NUL byte at offset 1/,
  },
  {
    name: 'a gzip-compressed export',
    files: { 'export.ndjson': Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]) },
    args: detect('export.ndjson'),
    code: 1,
    problem: /export\.ndjson: it is gzip-compressed; decompress it first/,
  },
  {
    name: 'a NUL byte after the first 8000 bytes: one bad line',
    files: { 'late-nul.ndjson': `${docs(100)}{"a":\u0000}\n` },
    args: detect('late-nul.ndjson'),
    code: 0,
    problem: /late-nul\.ndjson:101: invalid JSON: .*\\u0000/,
  },
  {
    name: 'a directory as --input',
    args: (dir) => ['detect', '--input', dir],
    code: 1,
    problem: /: it is a directory$/,
  },
  {
    name: 'a directory on stdin (--input - < dir)',
    args: () => ['detect', '--input', '-'],
    stdin: { path: '/' },
    code: 1,
    problem: /cannot read <stdin>: it is a directory$/,
  },
  {
    name: 'a file that does not exist',
    args: (dir) => ['detect', '--input', join(dir, 'nope.ndjson')],
    code: 1,
    problem: /cannot read .*nope\.ndjson: no such file$/,
  },
  {
    name: 'an empty file',
    files: { 'empty.ndjson': '' },
    args: detect('empty.ndjson'),
    code: 1,
    problem: /no usable documents in .*empty\.ndjson/,
  },
  {
    name: 'empty stdin',
    args: () => ['detect', '--input', '-'],
    stdin: { text: '' },
    code: 1,
    problem: /no usable documents in <stdin>/,
  },
  {
    name: '/dev/null as --input',
    args: () => ['detect', '--input', '/dev/null'],
    code: 1,
    problem: /no usable documents in \/dev\/null/,
  },
  {
    name: 'blank lines only',
    files: { 'blank.ndjson': ' \n\t\n\r\n'.repeat(1000) },
    args: detect('blank.ndjson'),
    code: 1,
    problem: /no usable documents/,
  },
  {
    name: 'a JSON scalar file',
    files: { 'scalar.json': '5\n' },
    args: detect('scalar.json'),
    code: 1,
    problem: /scalar\.json:1: expected a JSON array$/,
  },
  {
    name: 'a pretty-printed JSON object in a .json file',
    files: { 'pretty.json': `${JSON.stringify(JSON.parse(doc(0)), null, 2)}\n` },
    args: detect('pretty.json'),
    code: 1,
    problem:
      /pretty\.json:1: invalid JSON: .*\(a document spread over lines\? NDJSON needs one per line; or give a JSON array\)$/,
  },
  {
    name: 'NDJSON lines holding arrays of documents',
    files: { 'arrays.ndjson': `[${doc(0)}]\n${GOOD}` },
    args: detect('arrays.ndjson'),
    code: 0,
    problem: /arrays\.ndjson:1: not a JSON object: an array/,
  },
  {
    name: '200,000 lines that are not JSON: refused once 100,000 are skipped',
    files: { 'not-json.ndjson': 'x\n'.repeat(200_000) },
    args: detect('not-json.ndjson'),
    code: 1,
    problem:
      /not-json\.ndjson: not read as ndjson: 100000 lines or documents skipped and 0 read \(the first: invalid JSON: /,
  },
  // Keys and shapes
  {
    name: 'duplicate keys: the last one wins, as in JSON.parse and mongoimport',
    files: { 'duplicate-keys.ndjson': DUPLICATE_KEYS },
    args: flagsOf('duplicate-keys.ndjson'),
    code: 0,
    check: (run) => expect(run.stdout).toBe(''),
  },
  {
    name: '__proto__ keys: plain fields, no prototype pollution',
    files: { 'proto.ndjson': PROTO_KEY },
    args: flagsOf('proto.ndjson'),
    code: 0,
    check: (run) => expect(run.stdout).toBe(''),
  },
  {
    name: '50,000 assets of one document each',
    files: {
      'assets.ndjson': Array.from(
        { length: 50_000 },
        (_, a) => `{"coin_id":"a${a}","timestamp":"${day(0)}","volume":${a}}\n`,
      ).join(''),
    },
    args: detect('assets.ndjson', '--metrics', 'volume'),
    code: 0,
    check: (run) => expect(run.stdout).toMatch(/50000 documents, 50000 assets/),
  },
  {
    name: 'a --metrics path into an array of objects',
    files: { 'array-metric.ndjson': GOOD.replace(/"volume":\d+/g, '"volume":[{"usd":1},{"usd":2}]') },
    args: detect('array-metric.ndjson', '--metrics', 'volume.usd', '--format', 'json'),
    code: 0,
    problem: /no document .* has a numeric value for volume\.usd/,
    check: (run) =>
      expect(windowSizes(run)).toEqual([
        [3, 0],
        [7, 0],
        [30, 0],
      ]),
  },
  {
    name: '--asset-field constructor.name: inherited names are no fields',
    args: () => ['detect', '--input', SAMPLE, '--asset-field', 'constructor.name'],
    code: 1,
    problem: /:1: field 'constructor\.name' is not a non-empty string$/,
  },
  // CSV
  {
    name: 'a CSV with a quoted newline, a ragged row and an unclosed quote at the end',
    files: {
      'ragged.csv': `coin_id,timestamp,volume,note\nbitcoin,${day(0)},1,"two\nlines, one cell"\nbitcoin,${day(1)},2,x\nbitcoin,${day(2)},3\nbitcoin,${day(3)},4,"open\n`,
    },
    args: detect('ragged.csv', '--metrics', 'volume', '--format', 'json'),
    code: 0,
    problem: /ragged\.csv:5: expected 4 CSV fields, found 3$/,
    check: (run) => {
      expect(run.stderr).toMatch(/ragged\.csv:6: unterminated quoted CSV field$/m);
      expect(windowSizes(run)).toEqual([
        [3, 2],
        [7, 2],
        [30, 2],
      ]);
    },
  },
  {
    name: 'a CSV whose header has a __proto__ column',
    files: {
      'proto.csv': `coin_id,timestamp,volume,__proto__\nbitcoin,${day(0)},1,\nbitcoin,${day(1)},2,x\n`,
    },
    args: detect('proto.csv', '--metrics', 'volume', '--format', 'json'),
    code: 0,
    check: (run) =>
      expect(windowSizes(run)).toEqual([
        [3, 2],
        [7, 2],
        [30, 2],
      ]),
  },
  // Options that reach the input code
  {
    name: 'evaluate --lag-days 1e9',
    args: () => ['evaluate', '--input', SAMPLE, '--lag-days', '1e9'],
    code: 2,
    problem: /--lag-days: 1000000000 /,
  },
];

describe.concurrent('bad input through the real command', () => {
  it.each(ROWS)(
    '$name',
    async ({ files, args, stdin, code, problem, check }) => {
      const dir = mkdtempSync(join(root, 'case-'));
      for (const [file, content] of Object.entries(files ?? {})) writeFileSync(join(dir, file), content);
      const run = await runCli(args(dir), stdin);
      expectHandled(run, code, problem);
      check?.(run, dir);
    },
    HANG_MS + 15_000,
  );
});
