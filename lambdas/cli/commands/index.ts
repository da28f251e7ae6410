import type { Command } from '../command.ts';
import { demoCommand } from './demo-command.ts';
import { detectCommand } from './detect-command.ts';
import { evaluateCommand } from './evaluate-command.ts';
import { invokeCommand } from './invoke-command.ts';
import { mongoInitCommand } from './mongo-init-command.ts';
import { reportCommand } from './report-command.ts';
import { sendCommand } from './send-command.ts';

/** Every subcommand, in the order `riskfence --help` lists them. */
export const COMMANDS: readonly Command[] = [
  detectCommand,
  demoCommand,
  invokeCommand,
  sendCommand,
  mongoInitCommand,
  reportCommand,
  evaluateCommand,
];
