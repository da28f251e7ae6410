import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_EVENT } from '../../lambdas/handler/eventbridge-alert-publisher.ts';
import { type AlertDetail, alertDetail } from '../../lambdas/service/alerts.ts';
import type { Anomaly } from '../../lambdas/service/detect-job.ts';
import { at } from '../stores/store-fixtures.ts';
import { announceSkip } from '../support/announce-skip.ts';
import {
  ALERT_SCHEMA_PATH,
  alertEventSchema,
  jsonType,
  type SubsetSchema,
  schemaErrors,
} from './schema-subset.ts';

const SCHEMA = alertEventSchema();
const DETAIL_SCHEMA = SCHEMA.$defs!.detail!;

const LUNA: Anomaly = {
  asset: 'terra-luna',
  metric: 'latest_price',
  timeframe: 30,
  time: at('2022-05-12'),
  value: 0.000_12,
  direction: 'low',
  score: 4.25,
  lower: 40.5,
  upper: 118,
  isNew: true,
};
const RUN = { asOf: at('2022-05-15'), mode: 'window', deviationLimit: 1.5, messageId: 'm-1' } as const;

/** Both shapes a detail takes: a scored flag, and one off a flat window (IQR 0: no score). */
const DETAILS: readonly AlertDetail[] = [alertDetail(LUNA, RUN), alertDetail({ ...LUNA, score: null }, RUN)];

/** The event as EventBridge delivers it to a target: its envelope around riskfence's detail. */
const envelope = (detail: unknown) => ({
  version: '0',
  id: '0d9c0a0e-8f5e-4b1c-9d6a-1f3e4c5b6a7d',
  'detail-type': ALERT_EVENT.detailType,
  source: ALERT_EVENT.source,
  account: '123456789012',
  time: '2022-05-15T00:00:07Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

/** A schema with its `$ref` to `#/$defs/…` followed (one level: all the alert schema has). */
const resolved = (s: SubsetSchema): SubsetSchema =>
  s.$ref === undefined ? s : { ...SCHEMA.$defs![s.$ref.replace('#/$defs/', '')]!, ...s };

const typesOf = (s: SubsetSchema): string[] => {
  const r = resolved(s);
  if (r.type !== undefined) return typeof r.type === 'string' ? [r.type] : [...r.type];
  return [...new Set((r.enum ?? []).map(jsonType))];
};

/** Details that each break one rule of the schema. */
const BROKEN: readonly [string, Record<string, unknown>][] = [
  ['a field the schema does not list', { ...DETAILS[0], severity: 'critical' }],
  [
    'a required field missing',
    Object.fromEntries(Object.entries(DETAILS[0]!).filter(([k]) => k !== 'messageId')),
  ],
  ['a timeframe as a string', { ...DETAILS[0], timeframe: '30' }],
  ['a fractional timeframe', { ...DETAILS[0], timeframe: 1.5 }],
  ['a score as a string', { ...DETAILS[0], score: '4.25' }],
  ['an unknown direction', { ...DETAILS[0], direction: 'up' }],
  ['a fence the schema does not list', { ...DETAILS[0], fences: { lower: 1, upper: 2, median: 1.5 } }],
  ['an id that is not 32 hex digits', { ...DETAILS[0], id: 'abc' }],
  ['a time without milliseconds', { ...DETAILS[0], time: '2022-05-12T00:00:00Z' }],
];

describe('the committed JSON Schema of the alert event', () => {
  it.each(DETAILS.map((d) => [d.score === null ? 'without a score' : 'with a score', d] as const))(
    'lists exactly the fields alertDetail() builds (%s), every one required, with its JSON type',
    (_, detail) => {
      const fields = Object.keys(detail).sort();
      expect(Object.keys(DETAIL_SCHEMA.properties!).sort(), `${ALERT_SCHEMA_PATH} is stale`).toEqual(fields);
      expect([...DETAIL_SCHEMA.required!].sort()).toEqual(fields);
      expect(DETAIL_SCHEMA.additionalProperties).toBe(false);
      for (const [key, value] of Object.entries(detail)) {
        const types = typesOf(DETAIL_SCHEMA.properties![key]!);
        const type = jsonType(value);
        expect(
          types.includes(type) || (type === 'integer' && types.includes('number')),
          `${key}: ${type}`,
        ).toBe(true);
      }
      const fences = DETAIL_SCHEMA.properties!.fences!;
      expect(Object.keys(fences.properties!).sort()).toEqual(Object.keys(detail.fences).sort());
      expect([...fences.required!].sort()).toEqual(Object.keys(detail.fences).sort());
      expect(schemaErrors(SCHEMA, envelope(detail))).toEqual([]);
    },
  );

  it("fixes the envelope's source and detail-type to the ones the publisher sends, and requires the detail", () => {
    expect(SCHEMA.properties?.source?.const).toBe(ALERT_EVENT.source);
    expect(SCHEMA.properties?.['detail-type']?.const).toBe(ALERT_EVENT.detailType);
    expect(SCHEMA.required).toEqual(['source', 'detail-type', 'detail']);
    expect(schemaErrors(SCHEMA, { ...envelope(DETAILS[0]), source: 'other' })).toEqual([
      '/source: expected "riskfence"',
    ]);
  });

  it.each(BROKEN)('refuses a detail with %s', (_, detail) => {
    expect(schemaErrors(SCHEMA, envelope(detail))).not.toEqual([]);
  });
});

/** Python's jsonschema as an independent validator of the same file, when installed. */
const noJsonschema =
  spawnSync('python3', ['-c', 'import jsonschema'], { encoding: 'utf8' }).status === 0
    ? undefined
    : 'python3 with jsonschema is not installed (pip install jsonschema)';
announceSkip('alert event schema in Python jsonschema', noJsonschema);

describe.skipIf(noJsonschema)(
  `the alert event schema in Python jsonschema${noJsonschema ? ` (skipped: ${noJsonschema})` : ''}`,
  () => {
    it('is a valid draft 2020-12 schema that accepts and refuses exactly what the subset validator does', () => {
      const events = [...DETAILS, ...BROKEN.map(([, d]) => d)].map(envelope);
      const script = `import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
print(json.dumps([v.is_valid(e) for e in json.load(sys.stdin)]))`;
      const run = spawnSync(
        'python3',
        ['-c', script, join(import.meta.dirname, '..', '..', ALERT_SCHEMA_PATH)],
        {
          input: JSON.stringify(events),
          encoding: 'utf8',
        },
      );
      expect(run.stderr).toBe('');
      const python = JSON.parse(run.stdout) as boolean[];
      expect(python).toEqual(events.map((e) => schemaErrors(SCHEMA, e).length === 0));
      expect(python.slice(0, DETAILS.length)).toEqual(DETAILS.map(() => true));
    });
  },
);
