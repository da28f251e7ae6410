import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** Where the figures were measured. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly python: string;
  readonly pandas: string;
  readonly polars: string;
  readonly duckdb: string;
  readonly os: string;
}

/**
 * Describes this machine: CPU model (from /proc/cpuinfo where present), cores,
 * memory, and the Node.js, Python, pandas, polars and DuckDB versions used by the benchmark
 * (`unavailable` for a library that is not installed).
 *
 * @example
 * describeMachine().cpu; // 'AMD EPYC'
 */
export function describeMachine(): Machine {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    python: command('python3', ['-c', 'import platform; print(platform.python_version())']),
    pandas: pythonModuleVersion('pandas'),
    polars: pythonModuleVersion('polars'),
    duckdb: pythonModuleVersion('duckdb'),
    os: `${process.platform} ${process.arch}`,
  };
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1]!.trim();
  } catch {
    // Not Linux: fall back to what Node.js reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

function pythonModuleVersion(name: string): string {
  return command('python3', ['-c', `import ${name}; print(${name}.__version__)`]);
}

function command(file: string, args: readonly string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unavailable';
  }
}
