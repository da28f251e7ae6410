import { ErrorCode } from '../../lambdas/requests/invalid-message-error.ts';

/** One request body that must be rejected, with the code and message it must be rejected with. */
export interface BadMessage {
  readonly name: string;
  readonly body: string;
  readonly errorCode: ErrorCode;
  /** What the rejection message must say (it names the field). */
  readonly message: RegExp;
}

const v1 = (fields: Record<string, unknown>): string => JSON.stringify({ version: 1, ...fields });
const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `asset-${i}`);
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/**
 * The bad-input corpus: every way a producer (or an attacker) can get a body
 * wrong, each with the specific code it must end with. Shared by the parser's
 * unit tests and the end-to-end tests (which send the ones SQS accepts).
 */
export const BAD_MESSAGES: readonly BadMessage[] = [
  // Not JSON
  { name: 'empty body', body: '', errorCode: ErrorCode.InvalidJson, message: /^body: empty/ },
  { name: 'whitespace only', body: ' \n\t ', errorCode: ErrorCode.InvalidJson, message: /^body: empty/ },
  { name: 'plain text', body: 'please check bitcoin', errorCode: ErrorCode.InvalidJson, message: /not JSON/ },
  {
    name: 'truncated JSON',
    body: '{"version":1,"assets":["bitc',
    errorCode: ErrorCode.InvalidJson,
    message: /not JSON/,
  },
  { name: 'single quotes', body: "{'version':1}", errorCode: ErrorCode.InvalidJson, message: /not JSON/ },
  {
    name: 'terminal escapes before the JSON, escaped in the message',
    body: '\u001b[2J\u001b[31m{"version":1}',
    errorCode: ErrorCode.InvalidJson,
    message: /^body: not JSON \(.*\\u001b\[2J.*\)$/,
  },
  {
    name: 'NaN literal',
    body: '{"version":1,"deviationLimit":NaN}',
    errorCode: ErrorCode.InvalidJson,
    message: /not JSON/,
  },
  // Wrong top-level shape
  {
    name: 'null',
    body: 'null',
    errorCode: ErrorCode.SchemaViolation,
    message: /^body: expected .* got null/,
  },
  { name: 'a number', body: '42', errorCode: ErrorCode.SchemaViolation, message: /got number/ },
  { name: 'a string', body: '"bitcoin"', errorCode: ErrorCode.SchemaViolation, message: /got string/ },
  { name: 'a boolean', body: 'true', errorCode: ErrorCode.SchemaViolation, message: /got boolean/ },
  { name: 'empty array', body: '[]', errorCode: ErrorCode.SchemaViolation, message: /^body: Too small/ },
  { name: 'empty object', body: '{}', errorCode: ErrorCode.SchemaViolation, message: /^version: required/ },
  // Version
  {
    name: 'version 2',
    body: '{"version":2}',
    errorCode: ErrorCode.UnsupportedVersion,
    message: /^version: 2 is not supported/,
  },
  {
    name: 'version 0',
    body: '{"version":0}',
    errorCode: ErrorCode.UnsupportedVersion,
    message: /^version: 0/,
  },
  {
    name: 'version as string',
    body: '{"version":"1"}',
    errorCode: ErrorCode.SchemaViolation,
    message: /^version: /,
  },
  {
    name: 'duplicate key, last wins',
    body: '{"version":1,"version":2}',
    errorCode: ErrorCode.UnsupportedVersion,
    message: /^version: 2/,
  },
  // Unknown keys, prototype pollution
  {
    name: 'extra key',
    body: v1({ asset: ['bitcoin'] }),
    errorCode: ErrorCode.SchemaViolation,
    message: /Unrecognized key: "asset"/,
  },
  {
    name: '__proto__ key',
    body: '{"version":1,"__proto__":{"isAdmin":true}}',
    errorCode: ErrorCode.SchemaViolation,
    message: /"__proto__"/,
  },
  {
    name: 'constructor key in a legacy item',
    body: '[{"date":"2022-12-27","constructor":{"prototype":{}}}]',
    errorCode: ErrorCode.SchemaViolation,
    message: /^\[0\]: Unrecognized key: "constructor"/,
  },
  {
    name: 'legacy item with a typo',
    body: '[{"date":"2022-12-27","asset":"bitcoin"}]',
    errorCode: ErrorCode.SchemaViolation,
    message: /"asset"/,
  },
  {
    name: 'legacy item not an object',
    body: '["2022-12-27"]',
    errorCode: ErrorCode.SchemaViolation,
    message: /^\[0\]: .*expected object/,
  },
  // Limits
  {
    name: '1001 assets',
    body: v1({ assets: names(1001) }),
    errorCode: ErrorCode.LimitExceeded,
    message: /^assets: Too big: .*1000/,
  },
  {
    name: '501 legacy items',
    body: JSON.stringify(names(501).map((assetName) => ({ assetName, date: '2022-12-27' }))),
    errorCode: ErrorCode.LimitExceeded,
    message: /^body: Too big: .*500/,
  },
  {
    name: 'body over 256 KiB',
    body: v1({ assets: ['bitcoin'] }).replace('{', `{${' '.repeat(262_144)}`),
    errorCode: ErrorCode.BodyTooLarge,
    message: /^body: 262\d{3} bytes, more than 262144/,
  },
  {
    name: 'body over 256 KiB in UTF-8 but not in UTF-16 units',
    body: JSON.stringify(['€'.repeat(100_000)]),
    errorCode: ErrorCode.BodyTooLarge,
    message: /^body: 300004 bytes/,
  },
  {
    name: '10,000 nested arrays',
    body: nested(10_000),
    errorCode: ErrorCode.SchemaViolation,
    message: /^\[0\]: .*expected object, received array/,
  },
  {
    name: '100,000 nested arrays as an asset',
    body: `{"version":1,"assets":[${nested(100_000)}]}`,
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: .*expected string/,
  },
  {
    name: '40,000 nested objects',
    body: `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`,
    errorCode: ErrorCode.SchemaViolation,
    message: /^version: required/,
  },
  // Assets
  {
    name: 'assets as a string',
    body: v1({ assets: 'bitcoin' }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^assets: .*expected array/,
  },
  {
    name: 'assets as a query operator object',
    body: v1({ assets: { $in: ['bitcoin'] } }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^assets: .*expected array/,
  },
  {
    name: 'no assets',
    body: v1({ assets: [] }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^assets: Too small/,
  },
  {
    name: 'query operator object as an asset',
    body: v1({ assets: [{ $gt: '' }] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: .*expected string, received object/,
  },
  {
    name: '$where as an asset',
    body: v1({ assets: ['bitcoin', '$where'] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[1\]: "\$where" is not an asset name/,
  },
  {
    name: 'dotted-path operator as an asset',
    body: v1({ assets: ['a.$b'] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: "a\.\$b"/,
  },
  {
    name: 'unicode asset name',
    body: v1({ assets: ['ビットコイン'] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: "ビットコイン" is not an asset name/,
  },
  {
    name: 'emoji asset name',
    body: v1({ assets: ['🚀moon'] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: "🚀moon"/,
  },
  {
    name: 'lone surrogate asset name',
    body: '{"version":1,"assets":["\\ud800"]}',
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: /,
  },
  {
    name: 'empty asset name',
    body: v1({ assets: [''] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: "" is not an asset name/,
  },
  {
    name: 'asset name with a space',
    body: v1({ assets: ['bitcoin cash'] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: "bitcoin cash"/,
  },
  {
    name: 'asset name of 129 characters',
    body: v1({ assets: ['a'.repeat(129)] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: "a{37}\.\.\." is not/,
  },
  {
    name: 'null asset',
    body: v1({ assets: [null] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: .*received null/,
  },
  {
    name: 'numeric asset',
    body: v1({ assets: [1] }),
    errorCode: ErrorCode.InvalidAsset,
    message: /^assets\[0\]: .*received number/,
  },
  {
    name: 'legacy $where assetName',
    body: '[{"assetName":"bitcoin","date":"2022-12-27"},{"assetName":"$where","date":"2022-12-27"}]',
    errorCode: ErrorCode.InvalidAsset,
    message: /^\[1\]\.assetName: "\$where"/,
  },
  // Dates
  {
    name: 'impossible asOf 2022-02-30',
    body: v1({ asOf: '2022-02-30T00:00:00Z' }),
    errorCode: ErrorCode.InvalidDate,
    message: /^asOf: impossible date/,
  },
  {
    name: 'asOf 25:00',
    body: v1({ asOf: '2022-05-12T25:00:00Z' }),
    errorCode: ErrorCode.InvalidDate,
    message: /^asOf: /,
  },
  {
    name: 'asOf in words',
    body: v1({ asOf: 'yesterday' }),
    errorCode: ErrorCode.InvalidDate,
    message: /^asOf: not an ISO-8601 date/,
  },
  {
    name: 'asOf as epoch number',
    body: v1({ asOf: 1652313600000 }),
    errorCode: ErrorCode.InvalidDate,
    message: /^asOf: .*expected string/,
  },
  {
    name: 'legacy impossible date 31-04-2022',
    body: '[{"date":"31-04-2022"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /^\[0\]\.date: impossible date/,
  },
  {
    name: 'legacy impossible date 31-02-2022, quoted as sent',
    body: '[{"date":"31-02-2022"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /^\[0\]\.date: impossible date: "31-02-2022" \(day first\)$/,
  },
  {
    name: 'legacy date holding a terminal escape',
    body: '[{"date":"\\u001b[2J"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /^\[0\]\.date: "\\u001b\[2J" is neither/,
  },
  {
    name: 'legacy date 31-12-9999, whose asOf would be in the year 10000',
    body: '[{"date":"31-12-9999"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /^\[0\]\.date: "31-12-9999" is the last day of 9999/,
  },
  {
    name: 'legacy impossible date 2022-02-30',
    body: '[{"assetName":"bitcoin","date":"2022-02-30"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /^\[0\]\.date: impossible date/,
  },
  {
    name: 'legacy 29 February of a common year',
    body: '[{"date":"29-02-2023"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /^\[0\]\.date: impossible date/,
  },
  {
    name: 'legacy month-first date',
    body: '[{"date":"12-27-2022"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /^\[0\]\.date: impossible date/,
  },
  {
    name: 'legacy slashed date',
    body: '[{"date":"2022/12/27"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /^\[0\]\.date: "2022\/12\/27" is neither/,
  },
  {
    name: 'legacy date-time',
    body: '[{"date":"2022-12-27T00:00:00Z"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /is neither YYYY-MM-DD nor DD-MM-YYYY/,
  },
  {
    name: 'legacy item without a date',
    body: '[{"assetName":"bitcoin"}]',
    errorCode: ErrorCode.InvalidDate,
    message: /^\[0\]\.date: .*expected string, received undefined/,
  },
  // Numbers out of range
  {
    name: 'timeframe 0',
    body: v1({ timeframes: [0] }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^timeframes\[0\]: Too small/,
  },
  {
    name: 'timeframe 366',
    body: v1({ timeframes: [7, 366] }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^timeframes\[1\]: Too big/,
  },
  {
    name: 'timeframe -1',
    body: v1({ timeframes: [-1] }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^timeframes\[0\]: Too small/,
  },
  {
    name: 'timeframe 1e309 (Infinity)',
    body: '{"version":1,"timeframes":[1e309]}',
    errorCode: ErrorCode.SchemaViolation,
    message: /^timeframes\[0\]: .*received Infinity/,
  },
  {
    name: 'timeframe "NaN"',
    body: v1({ timeframes: ['NaN'] }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^timeframes\[0\]: .*expected number, received string/,
  },
  {
    name: 'fractional timeframe',
    body: v1({ timeframes: [1.5] }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^timeframes\[0\]: .*expected int/,
  },
  {
    name: 'no timeframes',
    body: v1({ timeframes: [] }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^timeframes: Too small/,
  },
  {
    name: 'deviationLimit 0',
    body: v1({ deviationLimit: 0 }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^deviationLimit: Too small/,
  },
  {
    name: 'deviationLimit 101',
    body: v1({ deviationLimit: 101 }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^deviationLimit: Too big/,
  },
  {
    name: 'deviationLimit "1.5"',
    body: v1({ deviationLimit: '1.5' }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^deviationLimit: .*received string/,
  },
  {
    name: 'deviationLimit null',
    body: v1({ deviationLimit: null }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^deviationLimit: .*received null/,
  },
  // Metrics and mode
  {
    name: 'unknown metric',
    body: v1({ metrics: ['volume', 'price'] }),
    errorCode: ErrorCode.UnknownMetric,
    message: /^metrics\[1\]: "price" is not a configured metric \(latest_price, /,
  },
  {
    name: 'metric holding a C1 control sequence introducer',
    body: v1({ metrics: ['\u009b31mred'] }),
    errorCode: ErrorCode.UnknownMetric,
    message: /^metrics\[0\]: "\\u009b31mred" is not a configured metric/,
  },
  {
    name: '__proto__ as a metric',
    body: v1({ metrics: ['__proto__'] }),
    errorCode: ErrorCode.UnknownMetric,
    message: /^metrics\[0\]: "__proto__"/,
  },
  {
    name: 'metrics as a string',
    body: v1({ metrics: 'volume' }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^metrics: .*expected array/,
  },
  {
    name: 'unknown mode',
    body: v1({ mode: 'sliding' }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^mode: .*"window"\|"rolling"/,
  },
  {
    name: 'several problems at once',
    body: v1({ timeframes: [0, 0, 0, 0] }),
    errorCode: ErrorCode.SchemaViolation,
    message: /^timeframes\[0\]: .*; timeframes\[2\]: .*\(\+1 more\)$/,
  },
];
