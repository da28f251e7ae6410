const DECIMAL_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const EXTENDED_JSON_NUMBER_KEYS = new Set(['$numberInt', '$numberLong', '$numberDouble', '$numberDecimal']);
const BSON_NUMBER_TYPES = new Set(['Decimal128', 'Long', 'Int32', 'Double']);

/**
 * Reads a metric value, returning NaN for anything that must not count.
 *
 * Counts: finite JS numbers; Extended JSON numbers (`{"$numberInt": "5"}`,
 * `$numberLong`, `$numberDouble`, `$numberDecimal`) and the driver's BSON
 * number objects (`Decimal128`, `Long`, …), parsed from their decimal text.
 * Missing (NaN): `null`, `undefined`, strings (numeric strings are not coerced),
 * booleans, other objects, NaN, ±Infinity, and Extended JSON NaN/Infinity.
 *
 * @param value - a field's raw value
 * @returns a finite number, or NaN when the value is missing or bad
 *
 * Complexity: O(length of the text) for Extended JSON, O(1) otherwise.
 *
 * @example
 * toFiniteNumber({ $numberDecimal: '2.5' }); // 2.5
 * toFiniteNumber('12.5');                    // NaN (strings are not coerced)
 */
export function toFiniteNumber(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (value === null || typeof value !== 'object') return Number.NaN;
  const bsonType = (value as { _bsontype?: unknown })._bsontype;
  if (typeof bsonType === 'string') {
    return BSON_NUMBER_TYPES.has(bsonType) ? parseDecimalText(String(value)) : Number.NaN;
  }
  let key: string | undefined;
  for (const k in value) {
    if (key !== undefined) return Number.NaN;
    key = k;
  }
  if (key === undefined || !EXTENDED_JSON_NUMBER_KEYS.has(key)) return Number.NaN;
  const text = (value as Record<string, unknown>)[key];
  return typeof text === 'string' ? parseDecimalText(text) : Number.NaN;
}

function parseDecimalText(text: string): number {
  if (!DECIMAL_TEXT.test(text)) return Number.NaN;
  const v = Number(text);
  return Number.isFinite(v) ? v : Number.NaN;
}
