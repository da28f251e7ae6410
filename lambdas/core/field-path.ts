/** Reads one (possibly dotted) field of a document. */
export type FieldGetter = (doc: unknown) => unknown;

/**
 * Compiles a field path such as `coin_id` or `metrics.volume.usd` into a getter.
 *
 * A document that has the dotted name as a literal key (`{"a.b": 1}`) is read
 * that way first, as such keys appear in CSV headers. Missing steps give
 * `undefined`, never an exception.
 *
 * @param path - field name, dots separating nested fields
 * @returns a getter; O(depth) per call
 *
 * @example
 * compileFieldPath('a.b')({ a: { b: 2 } }); // 2
 */
export function compileFieldPath(path: string): FieldGetter {
  const steps = path.split('.');
  if (steps.length === 1) {
    return (doc) => (isRecord(doc) ? doc[path] : undefined);
  }
  return (doc) => {
    if (!isRecord(doc)) return undefined;
    if (path in doc) return doc[path];
    let cur: unknown = doc;
    for (const step of steps) {
      if (!isRecord(cur)) return undefined;
      cur = cur[step];
    }
    return cur;
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}
