import { bySeverity, type FlagRow } from './flag-row.ts';

/** A tally as plain data: what a thread that judged some assets hands back (see {@link DetectTally.absorb}). */
export interface TallySnapshot {
  readonly flagsByTimeframe: readonly (readonly [number, number])[];
  readonly largestWindow: readonly (readonly [number, number])[];
  readonly insufficient: number;
  readonly judged: number;
  /** The most severe flags, at most the tally's limit. */
  readonly rows: readonly FlagRow[];
}

/**
 * Counts what a detect run found and keeps its most severe flags, in memory
 * bounded by the row limit however many flags a rolling run produces.
 *
 * Complexity: O(log limit) amortised per flag.
 *
 * @example
 * const tally = new DetectTally(50);
 * for (const row of rows) tally.addFlag(row);
 * tally.top(); // the 50 most severe
 */
export class DetectTally {
  readonly #limit: number;
  #rows: FlagRow[] = [];
  /** Flags per timeframe (days). */
  readonly flagsByTimeframe = new Map<number, number>();
  /** Windows (window mode) or points (rolling mode) without fences: too few values. */
  insufficient = 0;
  /** Windows or points judged in total. */
  judged = 0;
  /** Window mode: the most finite values any window of each timeframe held. */
  readonly largestWindow = new Map<number, number>();

  /** @param limit - flags to keep; 0 keeps all */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Registers a timeframe so that it is listed even with no flags. */
  addTimeframe(timeframe: number): void {
    if (!this.flagsByTimeframe.has(timeframe)) this.flagsByTimeframe.set(timeframe, 0);
  }

  /** Window mode: records how many finite values one window of a timeframe held. */
  addWindow(timeframe: number, values: number): void {
    this.largestWindow.set(timeframe, Math.max(values, this.largestWindow.get(timeframe) ?? 0));
  }

  /** Counts one flag and keeps it if it is among the most severe. */
  addFlag(row: FlagRow): void {
    this.countFlag(row.timeframe);
    this.#keep(row);
  }

  /** Counts `count` flags of one timeframe without keeping them: for outputs that list no flags. */
  countFlag(timeframe: number, count = 1): void {
    this.flagsByTimeframe.set(timeframe, (this.flagsByTimeframe.get(timeframe) ?? 0) + count);
  }

  /** This tally as plain data, its kept flags trimmed to the limit. */
  snapshot(): TallySnapshot {
    return {
      flagsByTimeframe: [...this.flagsByTimeframe],
      largestWindow: [...this.largestWindow],
      insufficient: this.insufficient,
      judged: this.judged,
      rows: this.top(),
    };
  }

  /**
   * Adds another tally's counts and flags, as if its flags had been added here
   * after this tally's own: absorbing the snapshots of consecutive asset
   * groups in order keeps the same most severe flags as one pass would,
   * since `bySeverity` is a total order and the sort is stable.
   */
  absorb(part: TallySnapshot): void {
    for (const [timeframe, n] of part.flagsByTimeframe)
      this.flagsByTimeframe.set(timeframe, (this.flagsByTimeframe.get(timeframe) ?? 0) + n);
    for (const [timeframe, n] of part.largestWindow) this.addWindow(timeframe, n);
    this.insufficient += part.insufficient;
    this.judged += part.judged;
    for (const row of part.rows) this.#keep(row);
  }

  /** All flags counted. */
  get flags(): number {
    let n = 0;
    for (const c of this.flagsByTimeframe.values()) n += c;
    return n;
  }

  /** The most severe flags (see `bySeverity`), at most `limit` of them. */
  top(): FlagRow[] {
    this.#trim();
    return this.#rows;
  }

  #keep(row: FlagRow): void {
    this.#rows.push(row);
    // Trimming only when the buffer is 4x the limit keeps sorting cost amortised.
    if (this.#limit > 0 && this.#rows.length >= 4 * this.#limit) this.#trim();
  }

  #trim(): void {
    this.#rows.sort(bySeverity);
    if (this.#limit > 0 && this.#rows.length > this.#limit) this.#rows.length = this.#limit;
  }
}
