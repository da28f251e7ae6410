import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The install command printed when pandas is missing (the version the goldens were made with). */
export const PANDAS_INSTALL = 'python3 -m pip install pandas==2.3.3';

/** The project's copy of the executable spec (SPEC.md section 2). */
export const PANDAS_REFERENCE = join(import.meta.dirname, '..', '..', 'tools', 'pandas-reference.py');

/** Whether the pandas reference can run here, and if not, why and how to fix it. */
export interface PandasCheck {
  readonly available: boolean;
  /** Empty when available; otherwise names the missing dependency and the install command. */
  readonly reason: string;
}

let cached: PandasCheck | undefined;

/**
 * Checks once per process that `python3 -c "import pandas"` works, so suites
 * that compare against pandas can skip with a visible reason instead of failing.
 */
export function checkPandas(): PandasCheck {
  if (cached) return cached;
  const r = spawnSync('python3', ['-c', 'import pandas'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    cached = {
      available: false,
      reason: `python3 is not installed (${r.error.message}); then: ${PANDAS_INSTALL}`,
    };
  } else if (r.status !== 0) {
    cached = { available: false, reason: `python3 cannot import pandas; install it with: ${PANDAS_INSTALL}` };
  } else {
    cached = { available: true, reason: '' };
  }
  return cached;
}

const run = promisify(execFile);

/**
 * Runs `python3 tools/pandas-reference.py MODE FILE ...args` and parses the
 * JSON it prints (the golden `expected` shape).
 *
 * @param mode - `window` or `rolling`
 * @param file - NDJSON input
 * @param args - the reference's own flags (`--as-of`, `--timeframes`, `--k`, `--min-samples`, `--closed`, `--metrics`)
 */
export async function runPandasReference(
  mode: 'window' | 'rolling',
  file: string,
  args: readonly string[],
): Promise<unknown> {
  const { stdout } = await run('python3', [PANDAS_REFERENCE, mode, file, ...args], {
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
  });
  return JSON.parse(stdout);
}
