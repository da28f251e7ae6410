/**
 * The MongoDB server the real-server suites run against: `MONGODB_URI`, or a
 * skip reason when it is unset. Under `npm run test:mongodb`
 * (`RISKFENCE_REQUIRE_MONGODB=1`) a missing URI is an error instead, so the CI
 * job that exists to run them can never pass by skipping them.
 *
 * @example
 * const { uri, skipReason } = mongodbUnderTest();
 */
export function mongodbUnderTest(): { uri: string | undefined; skipReason: string | undefined } {
  const uri = process.env.MONGODB_URI?.trim() || undefined;
  if (uri === undefined && process.env.RISKFENCE_REQUIRE_MONGODB === '1') {
    throw new Error(
      'RISKFENCE_REQUIRE_MONGODB=1 but MONGODB_URI is not set: these suites need a real server',
    );
  }
  return {
    uri,
    skipReason: uri === undefined ? 'set MONGODB_URI to run against a real MongoDB server' : undefined,
  };
}
