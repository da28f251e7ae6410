import type { Command } from '../command.ts';

/** `riskfence detect`. */
export const detectCommand: Command = {
  name: 'detect',
  summary: '(being built)',
  usage: 'riskfence detect\n',
  async run() {
    throw new Error('riskfence detect is being built');
  },
};
