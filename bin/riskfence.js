#!/usr/bin/env node
// Runs the CLI built at install (dist/cli, see tools/build-cli.mjs), which starts in a fraction
// of the time of compiling TypeScript. The TypeScript sources run through tsx instead when
// RISKFENCE_FROM_SOURCE=1 (the tests set it, so they never run a build older than the sources)
// or when there is no build (a checkout where `npm run build:cli` has not run).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.mjs', import.meta.url);
let cli;
if (process.env.RISKFENCE_FROM_SOURCE === '1' || !existsSync(built)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../lambdas/cli/main.ts');
} else {
  cli = await import(built.href);
}
process.exitCode = await cli.main(process.argv.slice(2));
