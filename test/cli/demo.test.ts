import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { demoMessages } from '../../lambdas/cli/commands/demo-command.ts';
import { runCli } from './detect-fake-io.ts';

describe('riskfence demo', () => {
  it('generates one request per known event in the data, both legacy shapes and one malformed message', () => {
    const messages = demoMessages(Date.parse('2022-01-01'), Date.parse('2023-04-30'));
    expect(messages.map((m) => m.messageId)).toEqual([
      'event-terra-luna',
      'event-ftx',
      'event-usdc-depeg',
      'legacy-every-asset',
      'legacy-named-assets',
      'malformed',
    ]);
    expect(JSON.parse(messages[0]!.body)).toEqual({ version: 1, asOf: '2022-05-15T00:00:00.000Z' });
    expect(JSON.parse(messages[4]!.body)[0]).toEqual({ assetName: 'bitcoin', date: '2022-06-18' });
    expect(() => JSON.parse(messages[5]!.body)).toThrow();
  });

  it('runs the handler on the bundled sample and summarises each event, focused on its own assets', async () => {
    const run = await runCli(['demo']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const out = run.stdout;
    const batch =
      /Batch: 6 SQS messages \(\+(\d+) chunk requests[^)]*\) → (\d+) records processed, 1 dead-lettered, 0 failed/.exec(
        out,
      );
    expect(batch).not.toBeNull();
    // Five valid messages, plus the chunk requests the all-asset ones were fanned out into.
    expect(Number(batch![2])).toBe(5 + Number(batch![1]));
    expect(out).toMatch(
      /Terra\/LUNA collapse[^\n]*\n[^\n]*\n[^\n]*\n {4}terra-luna:\n {6}latest_price +30d low ×5/,
    );
    expect(out).toMatch(/FTX collapse[\s\S]*ftx-token:[\s\S]*solana:/);
    expect(out).toMatch(/USDC depeg[\s\S]*usd-coin:\n {6}latest_price +7d low ×1, 30d low ×1/);
    expect(out).toMatch(/malformed: INVALID_JSON — /);
    expect(out).not.toContain('_aws');
  });

  it('is what `npm start` runs: a real process prints the summary and nothing else', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/riskfence.js', 'demo']);
    expect(stdout).toContain('terra-luna');
    expect(stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*$/, '')).toBe('');
    expect(stdout).not.toMatch(/^\{/m);
  });
});
