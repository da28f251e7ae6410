import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The JSON Schema keywords schemas/alert-event.schema.json uses, and nothing more. */
export interface SubsetSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SubsetSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly $defs?: Readonly<Record<string, SubsetSchema>>;
}

/** Where the alert event's schema is committed, from the repository root. */
export const ALERT_SCHEMA_PATH = 'schemas/alert-event.schema.json';

/** The committed alert event schema, parsed. */
export function alertEventSchema(): SubsetSchema {
  return JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', ALERT_SCHEMA_PATH), 'utf8'),
  ) as SubsetSchema;
}

/** Keywords the validator understands; a schema using any other fails loudly instead of passing silently. */
const KNOWN = new Set([
  '$schema',
  '$id',
  '$ref',
  '$defs',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'pattern',
  'minLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'format',
]);

/** The JSON Schema type name of a JSON value (`integer` for whole numbers). */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Validates a JSON value against a schema written in the subset above
 * (draft 2020-12 meaning; `$ref` only to `#/$defs/…`; `format` is an
 * annotation, as 2020-12 says by default).
 *
 * @returns one message per violation, with its JSON pointer; empty when valid
 * @throws Error when the schema uses a keyword outside the subset
 *
 * @example
 * schemaErrors(alertEventSchema(), event); // [] or ['/detail/score: expected number|null, got string']
 */
export function schemaErrors(
  schema: SubsetSchema,
  value: unknown,
  root: SubsetSchema = schema,
  at = '',
): string[] {
  const unknown = Object.keys(schema).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0)
    throw new Error(`schema at ${at || '/'} uses unsupported keywords: ${unknown.join(', ')}`);
  const errors: string[] = [];
  const where = at || '/';
  if (schema.$ref !== undefined) {
    const name = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : root.$defs?.[name];
    if (target === undefined) throw new Error(`unresolvable $ref ${schema.$ref}`);
    errors.push(...schemaErrors(target, value, root, at));
  }
  const type = jsonType(value);
  if (schema.type !== undefined) {
    const allowed = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!allowed.includes(type) && !(type === 'integer' && allowed.includes('number'))) {
      return [...errors, `${where}: expected ${allowed.join('|')}, got ${type}`];
    }
  }
  if ('const' in schema && JSON.stringify(value) !== JSON.stringify(schema.const)) {
    errors.push(`${where}: expected ${JSON.stringify(schema.const)}`);
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(`${where}: expected one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${where}: does not match ${schema.pattern}`);
    }
    if (schema.minLength !== undefined && [...value].length < schema.minLength) {
      errors.push(`${where}: shorter than ${schema.minLength}`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(`${where}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(`${where}: above ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      errors.push(`${where}: not above ${schema.exclusiveMinimum}`);
    }
  }
  if (type === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${where}: missing ${key}`);
    for (const [key, child] of Object.entries(object)) {
      const sub = schema.properties?.[key];
      if (sub !== undefined) errors.push(...schemaErrors(sub, child, root, `${at}/${key}`));
      else if (schema.additionalProperties === false) errors.push(`${where}: unexpected ${key}`);
    }
  }
  return errors;
}
