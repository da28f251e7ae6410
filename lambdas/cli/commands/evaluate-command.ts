import type { Command } from '../command.ts';

/** `riskfence evaluate`. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: '(being built)',
  usage: 'riskfence evaluate\n',
  async run() {
    throw new Error('riskfence evaluate is being built');
  },
};
