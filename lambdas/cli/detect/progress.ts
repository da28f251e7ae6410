import type { CliIo } from '../command.ts';

/** Reports progress of a long step on stderr. */
export interface Progress {
  /** Bytes read so far, of `total` when known (the loaders' `onProgress`). */
  readonly bytes: (read: number, total: number | undefined) => void;
  /** Items done of a known total. */
  readonly items: (done: number, total: number, noun: string) => void;
  /** Clears the progress line. */
  readonly done: () => void;
}

const INTERVAL_MS = 200;
const SILENT: Progress = { bytes: () => {}, items: () => {}, done: () => {} };

/**
 * A progress line on stderr, redrawn at most every 200 ms, only when stderr is
 * a terminal: pipes and logs never receive carriage-return noise.
 *
 * @param io - streams; progress is silent unless `io.stderrIsTTY`
 * @param label - what is running, e.g. the input name
 * @returns the reporter
 *
 * @example
 * const progress = createProgress(io, 'reading docs.ndjson');
 * await loadSeries(file, mapping, { onProgress: progress.bytes });
 * progress.done();
 */
export function createProgress(io: CliIo, label: string): Progress {
  if (!io.stderrIsTTY) return SILENT;
  let last = 0;
  let shown = false;
  const show = (text: string) => {
    const now = Date.now();
    if (now - last < INTERVAL_MS) return;
    last = now;
    shown = true;
    io.stderr.write(`\r\x1b[K${label}: ${text}`);
  };
  return {
    bytes: (read, total) =>
      show(total ? `${Math.floor((100 * read) / total)}% of ${megabytes(total)}` : `${megabytes(read)} read`),
    items: (done, total, noun) => show(`${done}/${total} ${noun}`),
    done: () => {
      if (shown) io.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
