import type { Command } from '../command.ts';

/** `riskfence send`. */
export const sendCommand: Command = {
  name: 'send',
  summary: '(being built)',
  usage: 'riskfence send\n',
  async run() {
    throw new Error('riskfence send is being built');
  },
};
