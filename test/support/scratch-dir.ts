import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Linux's RAM file system, where it exists. */
const RAM_DIR = '/dev/shm';

/**
 * A new temporary folder for file stores that tests write thousands of times.
 *
 * The file store fsyncs the file and its folder on every rewrite, which is
 * what it must do, but on a busy disk that costs tens of milliseconds per
 * record: the end-to-end suites would spend most of their time waiting on
 * the disk rather than on what they test. On a RAM file system an fsync is
 * free, so the folder is made there when there is one (and in the system's
 * temporary folder otherwise); durability is the file store's own tests'
 * subject, not these.
 *
 * @param prefix - start of the folder's name
 * @returns the folder's path; the caller removes it
 *
 * @example
 * const dir = await scratchDir('riskfence-e2e-');
 */
export async function scratchDir(prefix: string): Promise<string> {
  return mkdtemp(join(ramDirWritable() ? RAM_DIR : tmpdir(), prefix));
}

function ramDirWritable(): boolean {
  try {
    if (!statSync(RAM_DIR).isDirectory()) return false;
    accessSync(RAM_DIR, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
