import type { Command } from '../command.ts';

/** `riskfence report`. */
export const reportCommand: Command = {
  name: 'report',
  summary: '(being built)',
  usage: 'riskfence report\n',
  async run() {
    throw new Error('riskfence report is being built');
  },
};
