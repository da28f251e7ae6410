import type { CommandSpec } from '../options/option-spec.ts';
import { COMPLETION_SPEC } from './completion-spec.ts';
import { DEMO_SPEC } from './demo-spec.ts';
import { DETECT_SPEC } from './detect-spec.ts';
import { EVALUATE_SPEC } from './evaluate-spec.ts';
import { INVOKE_SPEC } from './invoke-spec.ts';
import { MONGO_INIT_SPEC } from './mongo-init-spec.ts';
import { REPORT_SPEC } from './report-spec.ts';
import { SEND_SPEC } from './send-spec.ts';

/**
 * Every command's table, in the order `riskfence --help` lists them. Tables
 * load without their commands (no AWS SDK, no driver), so help, completion
 * and usage errors stay fast.
 */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  DETECT_SPEC,
  DEMO_SPEC,
  INVOKE_SPEC,
  SEND_SPEC,
  MONGO_INIT_SPEC,
  REPORT_SPEC,
  EVALUATE_SPEC,
  COMPLETION_SPEC,
];
