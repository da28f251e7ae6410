import { describe, expect, it } from 'vitest';
import { announceSkip } from '../support/announce-skip.ts';
import { runCli } from './detect-fake-io.ts';

const uri = process.env.MONGODB_URI;

describe('riskfence mongo-init', () => {
  it('exits 1 with a clear message when no connection string is given', async () => {
    const run = await runCli(['mongo-init']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('pass --mongodb-uri or set MONGODB_URI');
  });

  it('exits 1 quickly when the server is unreachable, never printing the credentials', async () => {
    const run = await runCli(['mongo-init', '--timeout', '300'], {
      env: { MONGODB_URI: 'mongodb://admin:Sup3rSecret@127.0.0.1:9/?directConnection=true' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot create the indexes');
    expect(run.stderr + run.stdout).not.toContain('Sup3rSecret');
  });

  it.each([
    [['mongo-init', '--timeout', '-1', '--mongodb-uri', 'mongodb://h'], 2],
    [['mongo-init', '--mongodb-uri', 'http://h'], 1],
    [['mongo-init', '--uri', 'mongodb://h'], 2],
  ])('%j exits %i', async (argv, code) => {
    expect((await runCli(argv)).code).toBe(code);
  });

  announceSkip('mongo-init on a real server', uri === undefined ? 'set MONGODB_URI' : undefined);
  (uri === undefined ? it.skip : it)(
    `creates the indexes idempotently on a real server${uri === undefined ? ' (skipped: set MONGODB_URI)' : ''}`,
    async () => {
      const env = { MONGODB_URI: uri!, MONGODB_DATABASE: `riskfence_init_${process.pid}` };
      const first = await runCli(['mongo-init'], { env });
      const second = await runCli(['mongo-init'], { env });
      expect([first.code, second.code]).toEqual([0, 0]);
      expect(second.stdout).toBe(first.stdout);
      expect(first.stdout).toContain('coin_id_1_timestamp_1');
    },
  );
});
