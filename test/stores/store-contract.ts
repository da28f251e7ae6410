import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../lambdas/config/service-config.ts';
import { loadServiceConfig } from '../../lambdas/config/service-config.ts';
import { toEpochMillis } from '../../lambdas/core/timestamp.ts';
import { processRecord } from '../../lambdas/service/process-record.ts';
import type { DetectionStore, RunSummary } from '../../lambdas/stores/detection-store.ts';
import { announceSkip } from '../support/announce-skip.ts';
import { at, dailyDocuments } from './store-fixtures.ts';

/** A store seeded with documents, a way to inspect its run summaries, and its cleanup. */
export interface StoreFixture {
  readonly store: DetectionStore;
  /** Stored run summaries, as the backend holds them. */
  runs(): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

/** Creates a store holding `docs` (relaxed Extended JSON, `{"$date": ISO}` times). */
export type MakeStore = (docs: readonly Record<string, unknown>[]) => Promise<StoreFixture>;

const FIELDS = { assetField: 'coin_id', timeField: 'timestamp', anomaliesField: 'anomalies' };

/** The configuration every contract test runs the service with: two metrics, daily windows. */
export const CONTRACT_CONFIG: ServiceConfig = loadServiceConfig({
  METRICS: 'volume,latest_price',
  TIMEFRAMES: '3,7',
});

function run(asOf: number, messageId = 'm-1'): RunSummary {
  return {
    asset: 'bitcoin',
    asOf,
    paramsHash: 'abc',
    params: { mode: 'window', timeframes: [7], metrics: ['volume'], deviationLimit: 1.5, minSamples: 1 },
    documents: 7,
    timeframes: {
      d7: { volume: { n: 7, fences: { q1: 1, q3: 2, iqr: 1, lower: -0.5, upper: 3.5 }, high: 1, low: 0 } },
    },
    messageId,
  };
}

const anomaliesOf = (doc: unknown) =>
  (doc as { anomalies?: Record<string, { asOf: unknown; flags: unknown }> }).anomalies;

/**
 * The one behaviour every {@link DetectionStore} adapter must show, run
 * against the file store always and against MongoDB when `MONGODB_URI` is set.
 *
 * @param name - adapter name for the describe block
 * @param makeStore - seeds a fresh store
 * @param skipReason - when set, the suite is skipped and the reason shown in its name
 */
export function describeStoreContract(name: string, makeStore: MakeStore, skipReason?: string): void {
  announceSkip(`${name} store contract`, skipReason);
  const suite = skipReason === undefined ? describe : describe.skip;
  suite(`${name} store contract${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`, () => {
    const fixtures: StoreFixture[] = [];
    const make = async (docs: readonly Record<string, unknown>[]) => {
      const f = await makeStore(docs);
      fixtures.push(f);
      return f;
    };
    afterEach(async () => {
      for (const f of fixtures.splice(0)) await f.cleanup();
    });

    it('read(query) returns the named assets in [from, to), sorted by (asset, time), handles aligned', async () => {
      const docs = dailyDocuments(['ethereum', 'bitcoin', 'solana'], '2022-05-01', 10);
      const { store } = await make([...docs].reverse());
      const batch = await store.read({
        assets: ['ethereum', 'bitcoin'],
        from: at('2022-05-03'),
        to: at('2022-05-06'),
        metrics: ['volume'],
      });
      const keys = batch.documents.map((d) => `${(d as { _id: string })._id}`);
      expect(keys).toEqual([
        'bitcoin:2022-05-03',
        'bitcoin:2022-05-04',
        'bitcoin:2022-05-05',
        'ethereum:2022-05-03',
        'ethereum:2022-05-04',
        'ethereum:2022-05-05',
      ]);
      expect(batch.handles).toHaveLength(batch.documents.length);
      expect((batch.documents[0] as { volume: number }).volume).toBe(102);
    });

    it('read(assets: null) returns every asset with data in the range; unknown assets give nothing', async () => {
      const { store } = await make(dailyDocuments(['a', 'b'], '2022-05-01', 5));
      const all = await store.read({
        assets: null,
        from: at('2022-05-04'),
        to: at('2022-06-01'),
        metrics: [],
      });
      expect(all.documents.map((d) => (d as { _id: string })._id)).toEqual([
        'a:2022-05-04',
        'a:2022-05-05',
        'b:2022-05-04',
        'b:2022-05-05',
      ]);
      const none = await store.read({ assets: ['zzz'], from: 0, to: at('2030-01-01'), metrics: [] });
      expect(none.documents).toEqual([]);
    });

    it('writeFlags(updates) sets anomalies.d<T> per document, keeps other timeframes, counts documents', async () => {
      const { store } = await make(dailyDocuments(['bitcoin'], '2022-05-01', 3));
      const query = { assets: ['bitcoin'], from: 0, to: at('2030-01-01'), metrics: ['volume'] };
      const before = await store.read(query);
      const asOf = at('2022-05-04');
      const flags = { volume: { direction: 'high' as const, score: 2.5 } };
      expect(await store.writeFlags([{ handle: before.handles[1], set: { d3: { asOf, flags } } }])).toEqual({
        written: 1,
      });
      await store.writeFlags([{ handle: before.handles[1], set: { d7: { asOf, flags: {} } } }]);
      const after = await store.read(query);
      const stored = anomaliesOf(after.documents[1])!;
      expect(stored.d3!.flags).toEqual(flags);
      expect(stored.d7!.flags).toEqual({});
      expect(toEpochMillis(stored.d3!.asOf)).toBe(asOf);
      expect(anomaliesOf(after.documents[0])).toBeUndefined();
      expect(await store.writeFlags([])).toEqual({ written: 0 });
    });

    it('writeFlags never replaces a sub-document evaluated as of a later instant, and does not count it', async () => {
      const { store } = await make(dailyDocuments(['bitcoin'], '2022-05-01', 1));
      const query = { assets: null, from: 0, to: at('2030-01-01'), metrics: [] };
      const [handle] = (await store.read(query)).handles;
      const later = { asOf: at('2022-05-08'), flags: {} };
      const earlier = {
        asOf: at('2022-05-02'),
        flags: { volume: { direction: 'low' as const, score: null } },
      };
      expect(await store.writeFlags([{ handle, set: { d7: later } }])).toEqual({ written: 1 });
      expect(await store.writeFlags([{ handle, set: { d7: earlier } }])).toEqual({ written: 0 });
      expect(await store.writeFlags([{ handle, set: { d7: earlier, d3: earlier } }])).toEqual({ written: 1 });
      const stored = anomaliesOf((await store.read(query)).documents[0])!;
      expect([toEpochMillis(stored.d7!.asOf), stored.d7!.flags]).toEqual([later.asOf, {}]);
      expect(toEpochMillis(stored.d3!.asOf)).toBe(earlier.asOf);
    });

    it('overlapping requests end in the same state whatever their order, and rerunning them writes nothing', async () => {
      const docs = dailyDocuments(['bitcoin'], '2022-05-01', 20, (_a, d) => (d === 12 ? 1e6 : 100 + (d % 5)));
      const bodies = ['2022-05-14', '2022-05-16', '2022-05-18'].map((day) =>
        JSON.stringify({ version: 1, assets: ['bitcoin'], asOf: `${day}T00:00:00Z` }),
      );
      const finalState = async (order: number[]) => {
        const fixture = await make(docs);
        const deps = { config: CONTRACT_CONFIG, store: fixture.store };
        const process = (i: number) =>
          processRecord({ messageId: `m-${i}`, body: bodies[i]!, sentTimestamp: 0 }, deps);
        for (const i of order) await process(i);
        const rerun = await Promise.all(order.map(process));
        const query = { assets: null, from: 0, to: at('2030-01-01'), metrics: [] };
        return {
          rerunWrites: rerun.reduce((n, r) => n + r.jobs[0]!.flagsWritten, 0),
          flags: (await fixture.store.read(query)).documents.map((d) => {
            const a = anomaliesOf(d);
            return (
              a && { d3: a.d3 && toEpochMillis(a.d3.asOf), d7: toEpochMillis(a.d7!.asOf), f: a.d7!.flags }
            );
          }),
        };
      };
      const forward = await finalState([0, 1, 2]);
      expect(forward.rerunWrites).toBe(0);
      for (const order of [
        [2, 1, 0],
        [0, 2, 1],
        [1, 2, 0],
      ]) {
        const other = await finalState(order);
        expect(other.rerunWrites).toBe(0);
        expect(other.flags).toEqual(forward.flags);
      }
    });

    it('upsertRuns(runs) keeps one summary per (asset, asOf, paramsHash) and replaces it on rerun', async () => {
      const fixture = await make(dailyDocuments(['bitcoin'], '2022-05-01', 1));
      await fixture.store.upsertRuns([run(at('2022-05-08'), 'first')]);
      await fixture.store.upsertRuns([run(at('2022-05-08'), 'second')]);
      await fixture.store.upsertRuns([
        { ...run(at('2022-05-08')), paramsHash: 'other' },
        run(at('2022-05-09')),
      ]);
      const runs = await fixture.runs();
      expect(runs).toHaveLength(3);
      const first = runs.find((r) => r.paramsHash === 'abc' && toEpochMillis(r.asOf) === at('2022-05-08'))!;
      expect(first.messageId).toBe('second');
      expect(first.timeframes).toEqual(run(0).timeframes);
    });

    it('processRecord on this store flags the spike, and rerunning the same message writes nothing', async () => {
      const docs = dailyDocuments(['bitcoin', 'ethereum'], '2022-05-01', 14, (a, d) =>
        a === 'bitcoin' && d === 12 ? 1e6 : 100 + (d % 5),
      );
      const fixture = await make(docs);
      const input = {
        messageId: 'm-1',
        body: JSON.stringify({ version: 1, assets: ['bitcoin', 'ethereum'], asOf: '2022-05-15T00:00:00Z' }),
        sentTimestamp: at('2022-05-20'),
      };
      const deps = { config: CONTRACT_CONFIG, store: fixture.store };
      const first = await processRecord(input, deps);
      expect(first.jobs[0]!.flagsWritten).toBe(14);
      expect(first.jobs[0]!.anomalies).toContainEqual(
        expect.objectContaining({ asset: 'bitcoin', metric: 'volume', timeframe: 7, direction: 'high' }),
      );
      const second = await processRecord(input, deps);
      expect(second.jobs[0]!.flagsWritten).toBe(0);
      expect(second.jobs[0]!.anomalies).toEqual(first.jobs[0]!.anomalies);
      expect(await fixture.runs()).toHaveLength(2);
      const spike = (
        await fixture.store.read({
          assets: ['bitcoin'],
          from: at('2022-05-13'),
          to: at('2022-05-14'),
          metrics: [],
        })
      ).documents[0];
      expect(anomaliesOf(spike)!.d7!.flags).toEqual({
        volume: { direction: 'high', score: expect.any(Number) },
      });
    });
  });
}

export { FIELDS as CONTRACT_FIELDS };
