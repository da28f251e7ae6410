import { type ProcessRun, runProcess } from './measure.ts';

/** The Python libraries riskfence is measured against, each in its fastest form (bench/*_window.py, *_rolling.py). */
export const PEERS = [
  { engine: 'pandas', label: 'pandas', module: 'pandas', install: 'python3 -m pip install pandas==2.3.3' },
  { engine: 'polars', label: 'polars', module: 'polars', install: 'python3 -m pip install polars' },
  { engine: 'duckdb', label: 'DuckDB', module: 'duckdb', install: 'python3 -m pip install duckdb' },
] as const;

/** One of {@link PEERS}. */
export type Peer = (typeof PEERS)[number];

/** What a peer script prints (bench/peer_common.py `report`). */
export interface PeerReport {
  readonly engine: string;
  readonly version: string;
  readonly flags: number;
  /** The script's own timed phases (no interpreter start, no library import). */
  readonly totalMs: number;
  readonly peakRssBytes: number;
  readonly phasesMs: Readonly<Record<string, number>>;
}

/** One measured peer run: wall time from spawn to exit, and the script's report. */
export interface PeerRun extends Pick<ProcessRun, 'wallMs'> {
  readonly report: PeerReport;
}

/**
 * Runs one peer script (`bench/{engine}_{mode}.py FILE ARGS`) and reads its report.
 *
 * @throws `BenchCommandError` when the script fails
 *
 * @example
 * runPeer(PEERS[2], 'window', file, ['--as-of', asOf]).report.flags;
 */
export function runPeer(
  peer: Peer,
  mode: 'window' | 'rolling',
  file: string,
  args: readonly string[],
): PeerRun {
  const run = runProcess('python3', [`bench/${peer.engine}_${mode}.py`, file, ...args]);
  return { wallMs: run.wallMs, report: JSON.parse(run.stdout) as PeerReport };
}
