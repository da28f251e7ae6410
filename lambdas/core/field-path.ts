/** Reads one (possibly dotted) field of a document. */
export type FieldGetter = (doc: unknown) => unknown;

/**
 * Compiles a field path such as `coin_id` or `metrics.volume.usd` into a getter.
 *
 * A document that has the dotted name as a literal key (`{"a.b": 1}`) is read
 * that way first, as such keys appear in CSV headers. Missing steps give
 * `undefined`, never an exception. A path naming something every object
 * inherits (`constructor`, `__proto__`, `toString`, …) reads own fields only:
 * `constructor.name` would otherwise give every document the value `Object`.
 *
 * @param path - field name, dots separating nested fields
 * @returns a getter; O(depth) per call
 *
 * @example
 * compileFieldPath('a.b')({ a: { b: 2 } }); // 2
 */
export function compileFieldPath(path: string): FieldGetter {
  const steps = path.split('.');
  if (steps.some((step) => step in Object.prototype)) return ownFieldGetter(path, steps);
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

/** The getter of a path with an inherited name in it: every step must be an own field. */
function ownFieldGetter(path: string, steps: readonly string[]): FieldGetter {
  return (doc) => {
    if (!isRecord(doc)) return undefined;
    if (Object.hasOwn(doc, path)) return doc[path];
    let cur: unknown = doc;
    for (const step of steps) {
      if (!isRecord(cur) || !Object.hasOwn(cur, step)) return undefined;
      cur = cur[step];
    }
    return cur;
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}
