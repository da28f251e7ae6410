import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { legacyRequestSchema, requestV1Schema } from '../../lambdas/requests/request-schema.ts';
import { REGENERATE, requestSchemaFiles } from '../../tools/generate-schemas.ts';
import { announceSkip } from '../support/announce-skip.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const V1 = 'schemas/request-v1.schema.json';
const LEGACY = 'schemas/request-legacy.schema.json';

/** Bodies on both sides of every rule of the version-1 schema. */
const V1_CASES = Object.freeze([
  { version: 1 },
  { version: 1, assets: ['bitcoin', 'ethereum'], asOf: '2022-05-12T00:00:00Z', timeframes: [3, 7, 30] },
  { version: 1, metrics: ['volume'], deviationLimit: 100, mode: 'rolling' },
  { version: 2 },
  { version: 1, assets: [] },
  { version: 1, assets: ['$where'] },
  { version: 1, assets: Array.from({ length: 1001 }, (_, i) => `a${i}`) },
  { version: 1, timeframes: [0] },
  { version: 1, timeframes: [1.5] },
  { version: 1, timeframes: [366] },
  { version: 1, deviationLimit: 0 },
  { version: 1, deviationLimit: 100.5 },
  { version: 1, mode: 'sliding' },
  { version: 1, extra: true },
  { assets: ['bitcoin'] },
]);

const LEGACY_CASES = Object.freeze([
  [{ date: '27-12-2022' }],
  [{ assetName: 'bitcoin', date: '2022-12-27' }],
  [],
  [{ assetName: 'bit coin', date: '2022-12-27' }],
  [{ date: '2022-12-27', other: 1 }],
]);

/** Python's jsonschema (the original producer's language) as the independent validator, when installed. */
const python = spawnSync('python3', ['-c', 'import jsonschema'], { encoding: 'utf8' });
const noJsonschema =
  python.status === 0 ? undefined : 'python3 with jsonschema is not installed (pip install jsonschema)';

function pythonVerdicts(schemaPath: string, bodies: readonly unknown[]): boolean[] {
  const script = `import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema)
print(json.dumps([v.is_valid(b) for b in json.load(sys.stdin)]))`;
  const run = spawnSync('python3', ['-c', script, join(ROOT, schemaPath)], {
    input: JSON.stringify(bodies),
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('the published JSON Schemas of the request messages', () => {
  it.each(Object.entries(requestSchemaFiles()))(
    '%s says what the generator writes today',
    (path, expected) => {
      // Content, not layout: the generator hands the files to the repository's formatter.
      const committed = JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
      expect(committed, `${path} is stale: the zod schema changed. Regenerate with: ${REGENERATE}`).toEqual(
        JSON.parse(expected),
      );
    },
  );

  it('is a draft 2020-12 schema with an id, a title and no additional properties at the top', () => {
    const v1 = JSON.parse(readFileSync(join(ROOT, V1), 'utf8'));
    expect(v1).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:riskfence:schema:request-v1',
      type: 'object',
      required: ['version'],
      additionalProperties: false,
    });
  });

  announceSkip('JSON Schema against the zod schema in Python jsonschema', noJsonschema);
  it.skipIf(noJsonschema !== undefined)(
    `accepts and refuses exactly what the consumer's zod schema does${noJsonschema ? ` (skipped: ${noJsonschema})` : ''}`,
    () => {
      expect(pythonVerdicts(V1, V1_CASES)).toEqual(V1_CASES.map((b) => requestV1Schema.safeParse(b).success));
      expect(pythonVerdicts(LEGACY, LEGACY_CASES)).toEqual(
        LEGACY_CASES.map((b) => legacyRequestSchema.safeParse(b).success),
      );
      // The table is on both sides of the line, so the comparison cannot pass by accepting everything.
      expect(new Set(V1_CASES.map((b) => requestV1Schema.safeParse(b).success))).toEqual(
        new Set([true, false]),
      );
    },
  );
});
