import { type CliIo, type Command, ExitCode, InputError, processIo, UsageError, write } from './command.ts';
import { COMMANDS } from './commands/index.ts';

const OVERVIEW = `riskfence — flags crypto risk metrics outside Tukey IQR fences

Usage: riskfence <command> [options]     riskfence <command> --help

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(11)}${c.summary}`).join('\n')}
`;

/**
 * Runs one CLI invocation and resolves to its exit code: 0 success, 1 input
 * error, 2 usage error. Every error message names the problem.
 *
 * @param argv - arguments after the program name
 * @param io - streams and environment; the real process's by default
 *
 * @example
 * process.exitCode = await main(['detect', '--input', 'docs.ndjson']);
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await write(name === undefined ? io.stderr : io.stdout, OVERVIEW);
    return name === undefined ? ExitCode.UsageError : ExitCode.Ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    await write(io.stderr, `riskfence: unknown command '${name}'\n\n${OVERVIEW}`);
    return ExitCode.UsageError;
  }
  return runCommand(await entry.load(), rest, io);
}

async function runCommand(command: Command, argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    await write(io.stdout, command.usage);
    return ExitCode.Ok;
  }
  try {
    return await command.run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      await write(io.stderr, `riskfence ${command.name}: ${e.message}\n\n${command.usage}`);
      return ExitCode.UsageError;
    }
    if (e instanceof InputError) {
      await write(io.stderr, `riskfence ${command.name}: ${e.message}\n`);
      return ExitCode.InputError;
    }
    throw e;
  }
}
