import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';

/** Thrown when another live process holds a store's lock. */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
}

/** A held lock; {@link release} is idempotent. */
export interface FileLock {
  release(): Promise<void>;
}

/**
 * Whether a process id is alive (signal 0 checks without signalling).
 *
 * @example
 * processAlive(process.pid); // true
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A name for a temporary file beside `path`: `<path>.<pid>.<random>.tmp`, so that one a killed run
 * left behind is known by its process (see {@link temporaryOwner}) and can be removed.
 *
 * @example
 * temporaryPath('docs.ndjson'); // 'docs.ndjson.4242.9f3a01bc.tmp'
 */
export function temporaryPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * The process id in the name of a temporary made by {@link temporaryPath}, or `undefined` for
 * any other name.
 *
 * @example
 * temporaryOwner('docs.ndjson.4242.9f3a01bc.tmp'); // 4242
 */
export function temporaryOwner(name: string): number | undefined {
  const match = /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Takes an exclusive lock file holding this process's id, created whole (a
 * hard link to a file already written) so that of racing processes exactly one
 * wins and the others read its id. A lock whose process is gone (a killed run)
 * is stale and taken over; one held by a live process — this one included — is
 * refused with {@link StoreLockedError}.
 * The lock is released on {@link FileLock.release} or when the process exits.
 *
 * @param path - the lock file, e.g. `docs.ndjson.lock`
 * @throws {@link StoreLockedError} naming the holder
 *
 * @example
 * const lock = await acquireFileLock('docs.ndjson.lock');
 * try { … } finally { await lock.release(); }
 */
export async function acquireFileLock(path: string): Promise<FileLock> {
  if (!(await create(path))) await takeOver(path);
  let held = true;
  // Synchronous at exit, so a run that ends without closing its store leaves no lock behind.
  const onExit = () => rmSync(path, { force: true });
  process.once('exit', onExit);
  return {
    async release() {
      if (!held) return;
      held = false;
      process.off('exit', onExit);
      await rm(path, { force: true });
    },
  };
}

/**
 * Takes over the lock at `path` if its process is gone. Runs that find the same stale lock at once
 * take turns through a second lock, `<path>.break`, so that only one removes it: each removed it
 * and linked its own before, and the second removal could hit the first's new lock. A break lock
 * whose process is gone (killed while taking over) is replaced the same way, once.
 *
 * @throws {@link StoreLockedError} when a live process holds the lock or is taking it over
 */
async function takeOver(path: string): Promise<void> {
  // Refused before touching the break lock, naming the lock's own holder.
  const holding = await holder(path);
  if (holding !== undefined && processAlive(holding)) throw lockedBy(path, holding);
  const breaker = `${path}.break`;
  if (!(await create(breaker))) await replaceIfGone(breaker, path);
  try {
    // Read again: a run that held the break lock before this one may have taken the lock over.
    await replaceIfGone(path, path);
  } finally {
    await rm(breaker, { force: true });
  }
}

/**
 * Replaces the lock file `file` (if it is still there) with this process's unless a live process holds it;
 * refusals name the store's lock `path`. A file another run created and removed again between this
 * run's failed create and its read of the holder is tried again (a few times), so that a refusal
 * names the holder whenever there is one.
 */
async function replaceIfGone(file: string, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const pid = await holder(file);
    if (pid !== undefined && processAlive(pid)) throw lockedBy(path, pid);
    await rm(file, { force: true });
    if (await create(file)) return;
    const winner = await holder(file);
    if (winner !== undefined || attempt === REPLACE_ATTEMPTS) throw lockedBy(path, winner);
  }
}

/** Tries of {@link replaceIfGone} when the file it lost to is gone again before it is read. */
const REPLACE_ATTEMPTS = 8;

/**
 * Creates the lock file with this process's id; `false` when it exists already. The file appears
 * whole: written under a name of its own, then hard-linked to `path` (which fails when `path`
 * exists). Opened with `O_EXCL` and written afterwards, it was empty for a moment, and another run
 * that read it then took it for a stale lock, removed it and took the lock too: two of six runs
 * started together held it at once.
 */
async function create(path: string): Promise<boolean> {
  // One a killed run left is removed with the file store's other temporaries.
  const temp = temporaryPath(path);
  try {
    await writeFile(temp, `${process.pid}\n`);
    await link(temp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(temp, { force: true });
  }
}

async function holder(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function lockedBy(path: string, pid: number | undefined): StoreLockedError {
  const who = pid === process.pid ? 'this process' : pid === undefined ? 'another process' : `process ${pid}`;
  return new StoreLockedError(
    `${path.replace(/\.lock$/, '')} is in use by ${who} (lock file ${path}); wait for that run to finish`,
  );
}
