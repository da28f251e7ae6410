/**
 * Prints why a suite is skipped, so the reason shows in the test run's output
 * (Vitest's default reporter lists no names of skipped tests).
 *
 * @param what - the suite
 * @param reason - why it is skipped; nothing is printed when undefined (the suite runs)
 *
 * @example
 * announceSkip('MongoDB store contract', process.env.MONGODB_URI ? undefined : 'set MONGODB_URI');
 */
export function announceSkip(what: string, reason: string | undefined): void {
  if (reason !== undefined) console.warn(`SKIPPED ${what}: ${reason}`);
}
