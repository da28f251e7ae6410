import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Builds the WebAssembly field scanner when it is missing or older than its source.
    globalSetup: ['tools/build-wasm.mjs'],
    // Spawned `bin/riskfence.js` processes run the TypeScript sources, never a dist/ build that
    // may be older than the sources being tested.
    env: { RISKFENCE_FROM_SOURCE: '1' },
  },
});
