import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bashCompletion, zshCompletion } from '../../lambdas/cli/options/completion-script.ts';
import { specOptions } from '../../lambdas/cli/options/option-spec.ts';
import { COMMAND_SPECS } from '../../lambdas/cli/specs/command-specs.ts';
import { announceSkip } from '../support/announce-skip.ts';
import { runCli } from './detect-fake-io.ts';

const BASH = bashCompletion(COMMAND_SPECS);
const ZSH = zshCompletion(COMMAND_SPECS);

/** What bash's completion offers for a command line whose last word is being typed. */
function complete(words: readonly string[]): string[] {
  const script = `${BASH}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_riskfence; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd: import.meta.dirname });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter((l) => l !== '');
}

const zsh = spawnSync('zsh', ['-c', 'true']).status === 0 ? undefined : 'zsh is not installed';

describe('riskfence completion', () => {
  it.each([
    ['bash', BASH],
    ['zsh', ZSH],
  ])('`riskfence completion %s` prints the script generated from the tables', async (shell, script) => {
    expect(await runCli(['completion', shell])).toEqual({ code: 0, stdout: script, stderr: '' });
  });

  it.each([
    [
      ['riskfence', 'de'],
      ['demo', 'detect'],
    ],
    [['riskfence', 'mongo'], ['mongo-init']],
    [['riskfence', 'help', 'ev'], ['evaluate']],
    [['riskfence', 'detect', '--dev'], ['--deviation-limit']],
    [
      ['riskfence', 'detect', '--mode', ''],
      ['window', 'rolling'],
    ],
    [['riskfence', 'detect', '--format', 'n'], ['ndjson']],
    [['riskfence', 'invoke', '--log-level', 'W'], ['WARN']],
    [
      ['riskfence', 'completion', ''],
      ['bash', 'zsh'],
    ],
    [['riskfence', 'detect', '--timeframes', ''], []],
    [['riskfence', 'detect', '--input', 'completion.te'], ['completion.test.ts']],
  ])('bash offers %j → %j', (words, expected) => {
    expect(complete(words).sort()).toEqual([...expected].sort());
  });

  it('offers every option of every command, in both shells', () => {
    for (const spec of COMMAND_SPECS) {
      const offered = complete(['riskfence', spec.name, '-']);
      for (const o of specOptions(spec)) {
        expect(offered).toContain(`--${o.name}`);
        expect(ZSH).toContain(`--${o.name}`);
      }
    }
  });

  announceSkip('zsh completion script syntax', zsh);
  it.skipIf(zsh !== undefined)(`the zsh script parses${zsh ? ` (skipped: ${zsh})` : ''}`, () => {
    const run = spawnSync('zsh', ['-n'], { input: ZSH, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.skipIf(zsh !== undefined)(
    `sourced in zsh, it registers _riskfence for riskfence${zsh ? ` (skipped: ${zsh})` : ''}`,
    () => {
      const script = `autoload -U compinit && compinit -u -d /dev/null\n${ZSH}\nprint -r -- \${_comps[riskfence]}`;
      const run = spawnSync('zsh', ['-f', '-c', script], {
        encoding: 'utf8',
        env: { ...process.env, HOME: '/nonexistent' },
      });
      expect(run.stdout.trim()).toBe('_riskfence');
    },
  );
});
