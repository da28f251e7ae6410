import type { ByteRange } from './text-source.ts';

/** A {@link RangeTable} as plain shared memory, for a message to another thread. */
export interface SharedRanges {
  /** `[lock, ranges in use]`. */
  readonly state: Int32Array;
  /** `[start, end, claimed]` of each range, in file offsets. */
  readonly bounds: Float64Array;
}

/** One range of a {@link RangeTable} as a scan sees it: claimed chunk by chunk as it goes. */
export interface ClaimedRange {
  readonly start: number;
  /**
   * Claims the bytes from `position` up to `position + want` (not past the range's end), so that
   * no other thread takes them; gives the range's end as it stands.
   */
  claim(position: number, want: number): number;
  /** Claims all the rest of the range, which no other thread may take from then on; gives its end. */
  rest(): number;
}

const START = 0;
const END = 1;
const CLAIMED = 2;
const FIELDS = 3;
const LOCK = 0;
const USED = 1;

/**
 * Byte ranges of one file shared by the threads that read them. Each thread claims its range
 * chunk by chunk as it scans it; a thread done with its own takes the second half of what another
 * has not claimed yet ({@link steal}), from the next line start on. Threads reading a file start
 * at different times (a worker thread ~60–90 ms after the main one) and run at different speeds
 * on a busy machine: fixed ranges then finished up to ~140 ms apart on 230 MB, one thread idle
 * meanwhile. A range is only split while enough of it is left, so a run on a quiet machine reads
 * its ranges as they were cut.
 *
 * Every change happens under a lock in shared memory (held for a claim, or for a steal and the
 * one small read that finds its line start), so a range's owner never reads past where a thief
 * cut it, and two thieves never cut the same bytes.
 *
 * Complexity: {@link claim} O(1); {@link steal} O(ranges) plus one read of at most 64 KiB.
 *
 * @example
 * const table = RangeTable.create([{ start: 0, end: 1e8 }, { start: 1e8, end: 2e8 }], 8);
 * const mine = table.range(0);
 * mine.claim(0, 4 << 20); // 1e8: the bytes [0, 4 MiB) are this thread's
 */
export class RangeTable {
  readonly #state: Int32Array;
  readonly #bounds: Float64Array;

  private constructor(shared: SharedRanges) {
    this.#state = shared.state;
    this.#bounds = shared.bounds;
  }

  /**
   * A table of `ranges` (consecutive, line-aligned), with room for `capacity` ranges in all.
   *
   * @example
   * RangeTable.create([{ start: 0, end: 100 }], 4).bounds(0); // { start: 0, end: 100 }
   */
  static create(ranges: readonly ByteRange[], capacity: number): RangeTable {
    const slots = Math.max(capacity, ranges.length);
    const state = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    const bounds = new Float64Array(new SharedArrayBuffer(FIELDS * slots * Float64Array.BYTES_PER_ELEMENT));
    ranges.forEach((r, i) => {
      bounds[FIELDS * i + START] = r.start;
      bounds[FIELDS * i + END] = r.end;
      bounds[FIELDS * i + CLAIMED] = r.start;
    });
    state[USED] = ranges.length;
    return new RangeTable({ state, bounds });
  }

  /**
   * The table whose shared memory another thread sent.
   *
   * @example
   * RangeTable.of(message.ranges).range(1);
   */
  static of(shared: SharedRanges): RangeTable {
    return new RangeTable(shared);
  }

  /** The shared memory, to send to another thread. */
  get shared(): SharedRanges {
    return { state: this.#state, bounds: this.#bounds };
  }

  /** Range `index` as it stands: where it starts and ends. */
  bounds(index: number): ByteRange {
    return this.#locked(() => ({ start: this.#bounds[FIELDS * index + START]!, end: this.#end(index) }));
  }

  /**
   * Range `index` as its owner scans it.
   *
   * @example
   * const end = table.range(0).claim(position, 4 << 20);
   */
  range(index: number): ClaimedRange {
    const at = FIELDS * index;
    const claim = (position: number, want: number) =>
      this.#locked(() => {
        const end = this.#end(index);
        this.#bounds[at + CLAIMED] = Math.min(end, Math.max(this.#bounds[at + CLAIMED]!, position + want));
        return end;
      });
    // The rest is everything up to the end as it stands.
    return { start: this.#bounds[at + START]!, claim, rest: () => claim(0, Number.POSITIVE_INFINITY) };
  }

  /**
   * Takes the second half of the unclaimed bytes of the range with the most of them, from the first
   * line start there: that range now ends there, and a new range (returned by index) runs from
   * there to its old end. `null` when no range has `least` bytes unclaimed, no line starts in the
   * half, or the table is full.
   *
   * @param least - the fewest unclaimed bytes worth splitting
   * @param lineStart - the first line start at or after a file offset (the file's size for none)
   *
   * @example
   * table.steal(4 << 20, (offset) => nextLineStart(fd, offset)); // 2, or null
   */
  steal(least: number, lineStart: (offset: number) => number): number | null {
    return this.#locked(() => {
      const used = this.#state[USED]!;
      if (FIELDS * (used + 1) > this.#bounds.length) return null;
      let victim = -1;
      let most = 0;
      for (let i = 0; i < used; i++) {
        const left = this.#end(i) - this.#bounds[FIELDS * i + CLAIMED]!;
        if (left > most) {
          most = left;
          victim = i;
        }
      }
      if (victim < 0 || most < least) return null;
      const end = this.#end(victim);
      const split = lineStart(end - Math.floor(most / 2));
      if (split >= end) return null;
      this.#bounds[FIELDS * victim + END] = split;
      this.#bounds[FIELDS * used + START] = split;
      this.#bounds[FIELDS * used + END] = end;
      this.#bounds[FIELDS * used + CLAIMED] = split;
      this.#state[USED] = used + 1;
      return used;
    });
  }

  #end(index: number): number {
    return this.#bounds[FIELDS * index + END]!;
  }

  /** Runs `f` holding the table's lock: held for microseconds, so waiting spins. */
  #locked<T>(f: () => T): T {
    while (Atomics.compareExchange(this.#state, LOCK, 0, 1) !== 0);
    try {
      return f();
    } finally {
      Atomics.store(this.#state, LOCK, 0);
    }
  }
}

/**
 * `[start, end)` as a {@link ClaimedRange} no other thread shares: its end never moves.
 *
 * @example
 * fixedRange(0, 100).claim(0, 4096); // 100
 */
export function fixedRange(start: number, end: number): ClaimedRange {
  return { start, claim: () => end, rest: () => end };
}
