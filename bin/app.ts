#!/usr/bin/env -S npx tsx
// The CDK app (cdk.json: "app": "npx tsx bin/app.ts"): configuration, stacks and checks all live in lib/.
import { App } from 'aws-cdk-lib';
import { InvalidEnvironmentConfigError } from '../lib/config/environment-config.ts';
import { addRiskFenceStacks } from '../lib/riskfence-app.ts';

const app = new App();
try {
  addRiskFenceStacks(app);
} catch (error) {
  // A configuration mistake deserves its message, not a stack trace.
  if (!(error instanceof InvalidEnvironmentConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
app.synth();
