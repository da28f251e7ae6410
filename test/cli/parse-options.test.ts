import { describe, expect, it } from 'vitest';
import { UsageError } from '../../lambdas/cli/command.ts';
import type { CommandSpec } from '../../lambdas/cli/options/option-spec.ts';
import { parseOptions } from '../../lambdas/cli/options/parse-options.ts';
import { editDistance, suggest } from '../../lambdas/cli/options/suggest.ts';

const SPEC = Object.freeze({
  name: 'try',
  summary: 'a command for the tests',
  synopsis: '[options]',
  description: '',
  groups: [
    {
      title: 'Options',
      options: [
        { name: 'input', short: 'i', arg: 'FILE', help: 'input' },
        { name: 'deviation-limit', arg: 'K', help: 'k' },
        { name: 'mode', arg: 'MODE', help: 'mode', choices: ['window', 'rolling'] },
        { name: 'keep', help: 'keep' },
        { name: 'queue-url', arg: 'URL', help: 'queue', required: true },
      ],
    },
  ],
  exitStatus: '0 ok',
} as const satisfies CommandSpec);

const Q = ['--queue-url', 'q'];

describe('parseOptions', () => {
  it.each([
    [['--input', 'a.ndjson'], { input: 'a.ndjson' }],
    [['--input=a.ndjson'], { input: 'a.ndjson' }],
    [['-i', 'a.ndjson'], { input: 'a.ndjson' }],
    [['-ia.ndjson'], { input: 'a.ndjson' }],
    [['--deviation-limit', '-1'], { 'deviation-limit': '-1' }],
    [['--deviation-limit', '--keep'], { 'deviation-limit': '--keep', keep: false }],
    [['--input', '-'], { input: '-' }],
    [['--keep'], { keep: true }],
    [['--mode', 'rolling'], { mode: 'rolling' }],
    [[], { input: undefined, keep: false, mode: undefined }],
  ])('%j gives %j', (argv, values) => {
    expect(parseOptions(SPEC, [...Q, ...argv]).values).toMatchObject(values);
  });

  it.each([
    [['--input', 'a', '--input', 'b'], '--input given twice; give it once'],
    [['-i', 'a', '--input', 'b'], '--input given twice; give it once'],
    [['--keep', '--keep'], '--keep given twice; give it once'],
    [['--inptu', 'a'], "unknown option '--inptu'; did you mean --input?"],
    [['--dev', '3'], "unknown option '--dev'; did you mean --deviation-limit?"],
    [['--zzz'], "unknown option '--zzz'"],
    [['-x'], "unknown option '-x'"],
    [['--mode', 'windw'], "--mode: 'windw' is not one of window, rolling; did you mean window?"],
    [['--keep=yes'], '--keep takes no value'],
    [['--input'], '--input needs a value (FILE)'],
    [['stray'], "unexpected argument 'stray'"],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseOptions(SPEC, [...Q, ...argv])).toThrow(new UsageError(message));
  });

  it('refuses a missing required option, naming it with its placeholder', () => {
    expect(() => parseOptions(SPEC, [])).toThrow(new UsageError('--queue-url URL is required'));
  });

  it('lets --help or -h anywhere win over every other check, but not as a value', () => {
    expect(parseOptions(SPEC, ['--bogus', '--help']).help).toBe(true);
    expect(parseOptions(SPEC, ['-h']).help).toBe(true);
    expect(parseOptions(SPEC, ['--input', '--help', ...Q]).values.input).toBe('--help');
  });

  it('reports the first problem when there are several', () => {
    expect(() => parseOptions(SPEC, ['--bogus', '--input', 'a', '--input', 'b'])).toThrow(
      "unknown option '--bogus'",
    );
  });
});

describe('suggest and editDistance', () => {
  it.each([
    ['detect', 'detect', 0],
    ['detcet', 'detect', 1],
    ['detec', 'detect', 1],
    ['report', 'detect', 4],
    ['', 'abc', 3],
  ])('editDistance(%j, %j) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it.each([
    ['detcet', ['detect', 'demo', 'report'], 'detect'],
    ['invok', ['detect', 'invoke'], 'invoke'],
    ['timeframe', ['timeframes', 'metrics'], 'timeframes'],
    ['m', ['mode', 'metrics'], undefined],
    ['xyz', ['detect', 'demo'], undefined],
    ['', ['detect'], undefined],
  ])('suggest(%j) is %j', (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });
});
