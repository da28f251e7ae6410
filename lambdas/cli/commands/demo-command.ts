import type { Command } from '../command.ts';

/** `riskfence demo`. */
export const demoCommand: Command = {
  name: 'demo',
  summary: '(being built)',
  usage: 'riskfence demo\n',
  async run() {
    throw new Error('riskfence demo is being built');
  },
};
