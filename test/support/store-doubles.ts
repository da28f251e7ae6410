import type {
  AssetListing,
  DetectionStore,
  FlagUpdate,
  ReadBatch,
  ReadQuery,
  RunMark,
  RunQuery,
  RunSummary,
  WriteResult,
} from '../../lambdas/stores/detection-store.ts';
import { TransientStoreError } from '../../lambdas/stores/store-errors.ts';

/** A {@link DetectionStore} that hands every call to another one; doubles override what they change. */
export class DelegatingStore implements DetectionStore {
  protected readonly inner: DetectionStore;

  constructor(inner: DetectionStore) {
    this.inner = inner;
  }

  read(query: ReadQuery): AsyncIterable<ReadBatch> {
    return this.inner.read(query);
  }

  listAssets(range: AssetListing): Promise<string[]> {
    return this.inner.listAssets(range);
  }

  writeFlags(updates: readonly FlagUpdate[]): Promise<WriteResult> {
    return this.inner.writeFlags(updates);
  }

  upsertRuns(runs: readonly RunSummary[]): Promise<void> {
    return this.inner.upsertRuns(runs);
  }

  findRuns(query: RunQuery): Promise<RunMark[]> {
    return this.inner.findRuns(query);
  }
}

/**
 * A store whose streamed reads fail transiently, as a MongoDB connection reset
 * would, before their first batch, when `fails(n)` holds for the read's number
 * `n` (0, 1, … in the order reads start).
 *
 * @example
 * new FlakyStore(store, (n) => n < 2); // the first two reads fail
 */
export class FlakyStore extends DelegatingStore {
  /** Reads started so far, failed ones included. */
  reads = 0;
  /** Reads that failed. */
  failures = 0;
  readonly #fails: (read: number) => boolean;

  constructor(inner: DetectionStore, fails: (read: number) => boolean) {
    super(inner);
    this.#fails = fails;
  }

  override async *read(query: ReadQuery): AsyncGenerator<ReadBatch> {
    if (this.#fails(this.reads++)) {
      this.failures++;
      throw new TransientStoreError('MongoNetworkError: connection reset by peer (simulated)');
    }
    yield* this.inner.read(query);
  }
}

/**
 * A store that makes requests evaluate "at the very same moment" on purpose:
 * the first `parties` guard reads (`findRuns`, one per detected job) are
 * answered, then held until all of them have their answer, so every one of
 * those requests reads its order guards before any of them writes a run
 * summary. Later calls pass straight through.
 *
 * Bounded: if fewer than `parties` arrive within `maxWaitMs` of one waiting,
 * everyone is released anyway and {@link guardsReadTogether} stays below
 * `parties`, which the test then reports.
 *
 * @example
 * const store = new SimultaneousGuardsStore(inner, 8);
 * // … process 8 records concurrently …
 * expect(store.guardsReadTogether).toBe(8);
 */
export class SimultaneousGuardsStore extends DelegatingStore {
  /** Guard reads answered before the first run summary was written. */
  guardsReadTogether = 0;
  readonly #parties: number;
  readonly #maxWaitMs: number;
  #arrived = 0;
  #summaryWritten = false;
  readonly #released: Promise<void>;
  #release!: () => void;

  constructor(inner: DetectionStore, parties: number, maxWaitMs = 10_000) {
    super(inner);
    this.#parties = parties;
    this.#maxWaitMs = maxWaitMs;
    this.#released = new Promise<void>((resolve) => {
      this.#release = resolve;
    });
  }

  override async findRuns(query: RunQuery): Promise<RunMark[]> {
    const marks = await this.inner.findRuns(query);
    if (!this.#summaryWritten) this.guardsReadTogether++;
    if (this.#arrived < this.#parties) {
      this.#arrived++;
      if (this.#arrived === this.#parties) this.#release();
      else await this.#waitForTheOthers();
    }
    return marks;
  }

  override upsertRuns(runs: readonly RunSummary[]): Promise<void> {
    if (runs.length > 0) this.#summaryWritten = true;
    return this.inner.upsertRuns(runs);
  }

  /** Waits for the last party, or `maxWaitMs`: then everyone still waiting is released. */
  async #waitForTheOthers(): Promise<void> {
    const timer = setTimeout(() => this.#release(), this.#maxWaitMs);
    await this.#released;
    clearTimeout(timer);
  }
}
