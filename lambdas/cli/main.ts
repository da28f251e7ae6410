import { readFileSync } from 'node:fs';
import { StoreLockedError } from '../stores/file-lock.ts';
import {
  type CliIo,
  ExitCode,
  InputError,
  OutputClosedError,
  processIo,
  UsageError,
  write,
} from './command.ts';
import { COMMANDS, type CommandEntry } from './commands/index.ts';
import type { CommandSpec } from './options/option-spec.ts';
import { parseOptions } from './options/parse-options.ts';
import { paragraphs, renderCommandHelp } from './options/render-help.ts';
import { suggest } from './options/suggest.ts';

/** Set to print the stack of an unexpected error (a bug) instead of its one-line message. */
const DEBUG_ENV = 'RISKFENCE_DEBUG';

/**
 * The overview `riskfence --help` prints, from the command tables.
 *
 * @example
 * overview().startsWith('riskfence'); // true
 */
export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return `riskfence ${version()} — flags crypto risk metrics outside Tukey IQR fences

Usage: riskfence <command> [options]
       riskfence help <command>       (or riskfence <command> --help)

Commands:
${COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`).join('\n')}

Options:
  -V, --version  print the version and exit
  -h, --help     show this help and exit

${paragraphs('Exit status: 0 success, 1 input error, 2 usage error (every command; see its help for details).')}
`;
}

/**
 * The package's version, read from `package.json` beside the sources.
 *
 * @example
 * version(); // '0.1.0'
 */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Runs one CLI invocation and resolves to its exit code: 0 success, 1 input
 * error, 2 usage error. A usage error is one line naming the problem (with a
 * "did you mean" hint when a command or option is mistyped) and a pointer to
 * the command's help. A reader that closes the output early (`| head -1`)
 * ends the command quietly with 0.
 *
 * @param argv - arguments after the program name
 * @param io - streams and environment; the real process's by default
 *
 * @example
 * process.exitCode = await main(['detect', '--input', 'docs.ndjson']);
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  // Write errors reach each write's callback; without a listener the stream's 'error' event would crash.
  const ignore = () => {};
  io.stdout.on('error', ignore);
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof OutputClosedError) return ExitCode.Ok;
    if (io.env[DEBUG_ENV]) throw e;
    return unexpected(io, 'riskfence', e);
  } finally {
    io.stdout.off('error', ignore);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    await write(io.stderr, overview());
    return ExitCode.UsageError;
  }
  if (name === '--help' || name === '-h') return print(io, overview());
  if (name === '--version' || name === '-V') return print(io, `${version()}\n`);
  if (name === 'help') {
    if (rest.length === 0) return print(io, overview());
    const entry = findCommand(rest[0]!);
    if (entry && rest.length === 1) return print(io, renderCommandHelp(entry.spec));
    return usageError(io, 'help', entry ? `unexpected argument '${rest[1]}'` : unknownCommand(rest[0]!));
  }
  const entry = findCommand(name);
  if (!entry) return usageError(io, undefined, unknownCommand(name));
  return runCommand(entry, rest, io);
}

function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.spec.name === name);
}

function unknownCommand(name: string): string {
  const hint = suggest(
    name,
    COMMANDS.map((c) => c.spec.name),
  );
  return `unknown command '${name}'${hint === undefined ? '' : `; did you mean ${hint}?`}`;
}

async function print(io: CliIo, text: string): Promise<number> {
  await write(io.stdout, text);
  return ExitCode.Ok;
}

async function usageError(
  io: CliIo,
  spec: CommandSpec | 'help' | undefined,
  message: string,
): Promise<number> {
  const where = typeof spec === 'object' ? `riskfence ${spec.name}` : 'riskfence';
  const usage =
    typeof spec === 'object'
      ? `Usage: riskfence ${spec.name} ${spec.synopsis}  (see \`riskfence ${spec.name} --help\`)`
      : 'Usage: riskfence <command> [options]  (see `riskfence --help`)';
  await write(io.stderr, `${where}: ${message}\n${usage}\n`);
  return ExitCode.UsageError;
}

async function runCommand(entry: CommandEntry, argv: readonly string[], io: CliIo): Promise<number> {
  const { spec } = entry;
  try {
    const parsed = parseOptions(spec, argv);
    if (parsed.help) return await print(io, renderCommandHelp(spec));
    const command = await entry.load();
    return await command.run(parsed.values, io, parsed.positional);
  } catch (e) {
    if (e instanceof UsageError) return usageError(io, spec, e.message);
    // A store another run holds is the user's situation to resolve, not a bug.
    if (e instanceof InputError || e instanceof StoreLockedError) {
      await write(io.stderr, `riskfence ${spec.name}: ${e.message}\n`);
      return ExitCode.InputError;
    }
    if (e instanceof OutputClosedError || io.env[DEBUG_ENV]) throw e;
    return unexpected(io, `riskfence ${spec.name}`, e);
  }
}

/** A bug or an environment failure, not the user's doing: one line still, with the way to see more. */
async function unexpected(io: CliIo, where: string, e: unknown): Promise<number> {
  const message = e instanceof Error ? e.message : String(e);
  await write(io.stderr, `${where}: unexpected error: ${message} (set ${DEBUG_ENV}=1 for the stack)\n`);
  return ExitCode.InputError;
}
