import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionLabel, specOptions } from '../../lambdas/cli/options/option-spec.ts';
import { HELP_WIDTH } from '../../lambdas/cli/options/render-help.ts';
import { COMMAND_SPECS } from '../../lambdas/cli/specs/command-specs.ts';
import { runCli } from './detect-fake-io.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const NAMES = COMMAND_SPECS.map((s) => s.name);

describe('riskfence: one command-line interface', () => {
  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
    expect(await runCli([flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('lists every command in the overview; without arguments it goes to stderr with exit 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of NAMES) expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(await runCli([])).toMatchObject({ code: 2, stdout: '', stderr: help.stdout });
  });

  it.each(NAMES)('`riskfence help %s` prints the same help as `riskfence %s --help`', async (name) => {
    const viaHelp = await runCli(['help', name]);
    const viaFlag = await runCli([name, '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout.startsWith(`Usage: riskfence ${name} `)).toBe(true);
  });

  it.each(NAMES)(
    'the help of %s fits %i columns, lists every option and says "Exit status" once',
    async (name) => {
      const { stdout } = await runCli([name, '--help']);
      const lines = stdout.split('\n');
      expect(lines.filter((l) => l.length > HELP_WIDTH)).toEqual([]);
      expect(lines.filter((l) => l.startsWith('Exit status: '))).toHaveLength(1);
      expect(stdout).not.toMatch(/Exit codes/);
      const spec = COMMAND_SPECS.find((s) => s.name === name)!;
      for (const option of specOptions(spec)) expect(stdout).toContain(optionLabel(option));
    },
  );

  it.each([
    [['detcet'], "riskfence: unknown command 'detcet'; did you mean detect?", 'riskfence --help'],
    [['help', 'reprot'], "riskfence: unknown command 'reprot'; did you mean report?", 'riskfence --help'],
    [
      ['detect', '--inptu', 'x'],
      "riskfence detect: unknown option '--inptu'; did you mean --input?",
      'riskfence detect --help',
    ],
    [
      ['report', '-i', 'x', '--mode', 'rollin'],
      "riskfence report: --mode: 'rollin' is not one of window, rolling; did you mean rolling?",
      'riskfence report --help',
    ],
    [
      ['completion', 'fish'],
      "riskfence completion: shell: 'fish' is not one of bash, zsh",
      'riskfence completion --help',
    ],
  ])('%j is one line naming the problem plus a pointer to the help (exit 2)', async (argv, first, help) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(first);
    expect(lines[1]).toContain(`see \`${help}\``);
  });

  it.each([
    [['detect', '--input', 'a.ndjson', '--input', 'b.ndjson'], '--input given twice'],
    [['detect', '-i', 'a.ndjson', '--timeframes', '7', '--timeframes', '30'], '--timeframes given twice'],
    [['report', '-i', 'a', '-o', 'x.html', '--out', 'y.html'], '--out given twice'],
    [['invoke', '--event', 'e.json', '--event', 'f.json', '--store', 's'], '--event given twice'],
    [['send', '--queue-url', 'http://q', '--all', '--all'], '--all given twice'],
  ])('%j: an option given twice is refused with exit 2', async (argv, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('names a directory given as --event in one line (exit 1)', async () => {
    const run = await runCli(['invoke', '--event', ROOT, '--store', 'x']);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('EISDIR');
  });
});
