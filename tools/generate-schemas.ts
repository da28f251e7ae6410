// Writes the JSON Schemas of the request messages into schemas/, generated from the zod schemas the
// consumer validates with (lambdas/requests/request-schema.ts), for producers in other languages.
// Run after changing request-schema.ts:  npx tsx tools/generate-schemas.ts
// test/cli/request-schemas.test.ts fails while a committed schema differs from what this writes.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod/mini';
import { legacyRequestSchema, requestV1Schema } from '../lambdas/requests/request-schema.ts';

/** The command that regenerates the schemas, for messages that ask for it. */
export const REGENERATE = 'npx tsx tools/generate-schemas.ts';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The committed schema files, by path relative to the repository root, as
 * JSON text (the generator then lets the repository's formatter lay them out).
 *
 * Complexity: O(size of the schemas).
 *
 * @example
 * Object.keys(requestSchemaFiles()); // ['schemas/request-v1.schema.json', 'schemas/request-legacy.schema.json']
 */
export function requestSchemaFiles(): Record<string, string> {
  const v1 = {
    $schema: DRAFT,
    $id: 'urn:riskfence:schema:request-v1',
    title: 'riskfence detection request, version 1',
    description:
      'The SQS message body riskfence consumes (SPEC section 3). Structure and ranges only: the consumer ' +
      'also checks that asOf is an ISO-8601 date and that metrics are configured ones, and refuses bodies ' +
      `over 256 KiB. Generated from lambdas/requests/request-schema.ts by ${REGENERATE}.`,
    ...z.toJSONSchema(requestV1Schema, { target: 'draft-2020-12', io: 'input' }),
  };
  const legacy = {
    $schema: DRAFT,
    $id: 'urn:riskfence:schema:request-legacy',
    title: "riskfence detection request, the original Python producer's format",
    description:
      'Accepted unchanged: [{"date": "27-12-2022"}] (every asset) or [{"assetName": "bitcoin", "date": ' +
      '"2022-12-27"}, ...]. Dates are dd-mm-yyyy or yyyy-mm-dd, checked by the consumer. ' +
      `Generated from lambdas/requests/request-schema.ts by ${REGENERATE}.`,
    ...z.toJSONSchema(legacyRequestSchema, { target: 'draft-2020-12', io: 'input' }),
  };
  const text = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;
  return { 'schemas/request-v1.schema.json': text(v1), 'schemas/request-legacy.schema.json': text(legacy) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const files = Object.entries(requestSchemaFiles());
  for (const [path, text] of files) await writeFile(`${root}${path}`, text);
  // The repository's formatter has the last word on layout (the staleness test compares content, not layout).
  const biome = spawnSync('npx', ['biome', 'format', '--write', ...files.map(([path]) => path)], {
    cwd: root,
  });
  if (biome.status !== 0) process.stderr.write('biome format failed; the schemas are written unformatted\n');
  process.stdout.write(files.map(([path]) => `wrote ${path}\n`).join(''));
}
