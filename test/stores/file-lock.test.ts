import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  acquireFileLock,
  StoreLockedError,
  temporaryOwner,
  temporaryPath,
} from '../../lambdas/stores/file-lock.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'riskfence-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A process that waits for a common start, takes the lock, holds it a while and says how it went.
const CHILD = `
const { acquireFileLock } = await import(${JSON.stringify(new URL('../../lambdas/stores/file-lock.ts', import.meta.url).href)});
const [path, start] = process.argv.slice(1);
while (Date.now() < Number(start));
try {
  const lock = await acquireFileLock(path);
  await new Promise((r) => setTimeout(r, 400));
  await lock.release();
  console.log('held');
} catch (e) {
  console.log(/in use by process \\d+/.test(e.message) ? 'refused, holder named' : e.message);
}
`;

/** Five processes taking the lock at `path` at the same moment: how each fared, sorted. */
async function race(path: string): Promise<string[]> {
  const start = String(Date.now() + 1500);
  const outcomes = await Promise.all(
    Array.from({ length: 5 }, () =>
      run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, path, start]).then((r) =>
        r.stdout.trim(),
      ),
    ),
  );
  return outcomes.sort();
}

const ONE_HELD = ['held', ...Array(4).fill('refused, holder named')].sort();
// A pid no process has (above the kernel's limit): a killed run's lock.
const GONE = '4194305\n';

describe('acquireFileLock', () => {
  it('gives the lock to exactly one of several processes taking it at once; the others are told who holds it', async () => {
    for (let round = 0; round < 3; round++)
      expect(await race(join(dir, `race-${round}.lock`))).toEqual(ONE_HELD);
    // No temporaries left behind.
    expect(readdirSync(dir).filter((f) => f.startsWith('race'))).toEqual([]);
  });

  it('lets exactly one of several processes take over a stale lock at once', async () => {
    for (let round = 0; round < 3; round++) {
      const path = join(dir, `stale-${round}.lock`);
      writeFileSync(path, GONE);
      expect(await race(path)).toEqual(ONE_HELD);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('stale'))).toEqual([]);
  });

  it('refuses a lock this process holds, takes over one whose process is gone, and leaves no lock when released', async () => {
    const path = join(dir, 'own.lock');
    const lock = await acquireFileLock(path);
    await expect(acquireFileLock(path)).rejects.toThrow(StoreLockedError);
    await expect(acquireFileLock(path)).rejects.toThrow(/in use by this process/);
    await lock.release();
    writeFileSync(path, GONE);
    const taken = await acquireFileLock(path);
    await taken.release();
    await taken.release();
    expect(readdirSync(dir).filter((f) => f.startsWith('own'))).toEqual([]);
  });
});

describe('temporaryPath', () => {
  it('names a temporary beside the file whose process temporaryOwner reads back; other names have none', () => {
    const a = temporaryPath('/data/docs.ndjson');
    expect(a.startsWith('/data/docs.ndjson.')).toBe(true);
    expect(temporaryOwner(a)).toBe(process.pid);
    expect(temporaryPath('/data/docs.ndjson')).not.toBe(a);
    for (const name of [
      'docs.ndjson',
      'docs.ndjson.lock',
      'docs.ndjson.12.tmp',
      'docs.ndjson.x.0badc0de.tmp',
    ])
      expect(temporaryOwner(name)).toBeUndefined();
  });
});
