/** A MongoDB connection string anywhere in a text (credentials, hosts and options included). */
const CONNECTION_STRING = /mongodb(\+srv)?:\/\/[^\s"'`<>]+/gi;

/**
 * Replaces every MongoDB connection string in a text by `mongodb://<redacted>`,
 * so that neither the URI nor its credentials reach a log line or a
 * dead-letter attribute, whatever an error message quotes.
 *
 * @param text - any text
 * @returns the text with connection strings replaced
 *
 * Complexity: O(length).
 *
 * @example
 * redactSecrets('cannot reach mongodb://u:p@h:27017/db'); // 'cannot reach mongodb://<redacted>'
 */
export function redactSecrets(text: string): string {
  return text.replace(CONNECTION_STRING, 'mongodb://<redacted>');
}

/**
 * A `JSON.stringify` replacer applying {@link redactSecrets} to every string
 * (Powertools Logger's `jsonReplacerFn`).
 *
 * @example
 * JSON.stringify({ e: 'mongodb://u:p@h' }, redactingReplacer); // '{"e":"mongodb://<redacted>"}'
 */
export function redactingReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? redactSecrets(value) : value;
}
