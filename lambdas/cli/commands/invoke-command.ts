import type { Command } from '../command.ts';

/** `riskfence invoke`. */
export const invokeCommand: Command = {
  name: 'invoke',
  summary: '(being built)',
  usage: 'riskfence invoke\n',
  async run() {
    throw new Error('riskfence invoke is being built');
  },
};
