import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from './command.ts';

/**
 * Checks, before a command changes anything, that it will be able to write
 * a file: an existing file must be writable and not a directory; a new one
 * needs an existing, writable directory. So an `invoke` whose
 * `--dead-letter` cannot be written stops before the store is rewritten.
 *
 * @param flag - the option that named the file, for the message (`--dead-letter`)
 * @param path - absolute path
 * @throws {@link InputError} with one line naming the option, the path and the reason
 *
 * Complexity: two or three file-system calls.
 *
 * @example
 * await assertWritable('--out', '/tmp/flags.ndjson');
 */
export async function assertWritable(flag: string, path: string): Promise<void> {
  const fail = (reason: string) => new InputError(`cannot write ${flag} ${path}: ${reason}`);
  const found = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw fail(e.code === 'ENOTDIR' ? 'a parent is not a directory' : e.message);
  });
  if (found?.isDirectory()) throw fail('it is a directory');
  const target = found ? path : dirname(path);
  // After ENOENT the parent is a directory or missing: a file as parent would have been ENOTDIR.
  if (!found && !(await stat(target).catch(() => undefined))) throw fail(`no such directory ${target}`);
  await access(target, constants.W_OK).catch(() => {
    throw fail(found ? 'permission denied' : `directory ${target} is not writable`);
  });
}
