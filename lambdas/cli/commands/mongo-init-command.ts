import type { Command } from '../command.ts';

/** `riskfence mongo-init`. */
export const mongoInitCommand: Command = {
  name: 'mongo-init',
  summary: '(being built)',
  usage: 'riskfence mongo-init\n',
  async run() {
    throw new Error('riskfence mongo-init is being built');
  },
};
