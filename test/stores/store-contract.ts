import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../lambdas/config/service-config.ts';
import { loadServiceConfig } from '../../lambdas/config/service-config.ts';
import { DAY_MS } from '../../lambdas/core/detector-options.ts';
import { toEpochMillis } from '../../lambdas/core/timestamp.ts';
import { type AlertDetail, AlertPublishError } from '../../lambdas/service/alerts.ts';
import { type JobOutcome, processRecord } from '../../lambdas/service/process-record.ts';
import {
  type DetectionStore,
  type FlagUpdate,
  READ_BATCH_DOCUMENTS,
  type RunSummary,
} from '../../lambdas/stores/detection-store.ts';
import { readAll } from '../../lambdas/stores/read-all.ts';
import { announceSkip } from '../support/announce-skip.ts';
import { seededRandom } from '../support/seeded-random.ts';
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

const EVERYTHING = { assets: null, from: 0, to: at('2030-01-01'), metrics: [] } as const;

function run(asOf: number, messageId = 'm-1'): RunSummary {
  return {
    asset: 'bitcoin',
    asOf,
    from: asOf - 7 * DAY_MS,
    paramsHash: 'abc',
    params: { mode: 'window', timeframes: [7], metrics: ['volume'], deviationLimit: 1.5, minSamples: 1 },
    documents: 7,
    timeframes: {
      d7: {
        volume: {
          n: 7,
          fences: { q1: 1, q3: 2, iqr: 1, lower: -0.5, upper: 3.5 },
          high: 1,
          low: 0,
          newFlags: 1,
        },
      },
    },
    messageId,
  };
}

/** Every stored entry as `id dT metric direction score` (asOf left out: it records who wrote, not the verdict). */
async function verdicts(store: DetectionStore): Promise<string[]> {
  const out: string[] = [];
  for (const d of (await readAll(store, EVERYTHING)).documents) {
    const { _id, anomalies } = d as { _id: string; anomalies?: Record<string, Record<string, unknown>> };
    if (anomalies === null || typeof anomalies !== 'object') continue;
    for (const [tf, metrics] of Object.entries(anomalies)) {
      for (const [metric, e] of Object.entries(metrics ?? {})) {
        const { direction, score } = e as { direction: string; score: number | null };
        out.push(`${_id} ${tf} ${metric} ${direction} ${score === null ? 'null' : Number(score).toFixed(9)}`);
      }
    }
  }
  return out.sort();
}

const entryOf = (doc: unknown, tf: string, metric: string) =>
  (
    doc as {
      anomalies?: Record<string, Record<string, { direction: string; score: unknown; asOf: unknown }>>;
    }
  ).anomalies?.[tf]?.[metric];

const flag = (direction: 'high' | 'low', score: number | null = 1, since = 0) => ({
  direction,
  score,
  since,
});

const body = (asOf: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 1, assets: ['bitcoin'], asOf: `${asOf}T00:00:00Z`, ...extra });

const totalNew = (job: JobOutcome) => Object.values(job.newFlags).reduce((a, b) => a + b, 0);

/** Bitcoin with volume spikes on days 9, 12 and 16 (of 24 from 2022-05-01); ethereum calm. */
const spiky = () =>
  dailyDocuments(['bitcoin', 'ethereum'], '2022-05-01', 24, (a, d) =>
    a === 'bitcoin' && (d === 9 || d === 12 || d === 16) ? 1e6 * (d - 7) : 100 + (d % 5),
  );

/**
 * The behaviour every {@link DetectionStore} adapter must show — the single
 * statement of SPEC section 1's rules as tests — run against the file store,
 * the MongoDB adapter on the mingo query-semantics harness, and a real
 * MongoDB when `MONGODB_URI` is set.
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
    const process = (store: DetectionStore, messageId: string, text: string) =>
      processRecord(
        { messageId, body: text, sentTimestamp: at('2022-06-01') },
        { config: CONTRACT_CONFIG, store },
      );

    describe('reads', () => {
      it('read(query) streams the named assets in [from, to), sorted by (asset, time), handles aligned', async () => {
        const docs = dailyDocuments(['ethereum', 'bitcoin', 'solana'], '2022-05-01', 10);
        const { store } = await make([...docs].reverse());
        const batch = await readAll(store, {
          assets: ['ethereum', 'bitcoin'],
          from: at('2022-05-03'),
          to: at('2022-05-06'),
          metrics: ['volume'],
        });
        expect(batch.documents.map((d) => (d as { _id: string })._id)).toEqual([
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

      it('read(query) yields whole assets: no asset spans two batches, however many documents', async () => {
        // Each asset holds 60 % of a batch: a batch closes after the second, at an asset boundary.
        const days = Math.ceil(READ_BATCH_DOCUMENTS * 0.6);
        const { store } = await make(dailyDocuments(['a', 'b', 'c'], '1990-01-01', days));
        const seen: string[][] = [];
        for await (const batch of store.read({ ...EVERYTHING, metrics: ['volume'] })) {
          seen.push([...new Set(batch.documents.map((d) => (d as { coin_id: string }).coin_id))]);
          expect(batch.handles).toHaveLength(batch.documents.length);
        }
        expect(seen.length).toBeGreaterThan(1);
        expect(seen.flat()).toEqual(['a', 'b', 'c']);
      });

      it('read(assets: null) returns every asset with data in the range; unknown assets give nothing', async () => {
        const { store } = await make(dailyDocuments(['a', 'b'], '2022-05-01', 5));
        const all = await readAll(store, {
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
        const none = await readAll(store, { assets: ['zzz'], from: 0, to: at('2030-01-01'), metrics: [] });
        expect(none.documents).toEqual([]);
      });

      it('listAssets(range) lists the distinct assets with a document in [from, to), sorted', async () => {
        const docs = [
          ...dailyDocuments(['solana', 'bitcoin'], '2022-05-01', 3),
          ...dailyDocuments(['old'], '2021-01-01', 3),
        ];
        const { store } = await make(docs);
        expect(await store.listAssets({ from: at('2022-05-02'), to: at('2022-05-04') })).toEqual([
          'bitcoin',
          'solana',
        ]);
        expect(await store.listAssets({ from: at('2022-05-04'), to: at('2022-06-01') })).toEqual([]);
      });
    });

    describe('flag entries', () => {
      const handlesOf = async (store: DetectionStore) => (await readAll(store, EVERYTHING)).handles;

      it('writeFlags sets anomalies.dT.<metric> per entry, keeps every other entry, clears, counts documents', async () => {
        const { store } = await make(dailyDocuments(['bitcoin'], '2022-05-01', 3));
        const [h0, h1] = await handlesOf(store);
        const asOf = at('2022-05-04');
        const set = (
          handle: unknown,
          timeframeKey: string,
          metric: string,
          f: FlagUpdate['changes'][0]['flag'],
        ) => ({
          handle,
          asOf,
          changes: [{ timeframeKey, metric, flag: f }],
        });
        expect(await store.writeFlags([set(h1, 'd3', 'volume', flag('high', 2.5))])).toEqual({
          written: 1,
          rejected: 0,
        });
        await store.writeFlags([
          set(h1, 'd7', 'volume', flag('low', null)),
          set(h1, 'd3', 'latest_price', flag('low')),
        ]);
        expect(await verdicts(store)).toEqual([
          'bitcoin:2022-05-02 d3 latest_price low 1.000000000',
          'bitcoin:2022-05-02 d3 volume high 2.500000000',
          'bitcoin:2022-05-02 d7 volume low null',
        ]);
        const stored = (await readAll(store, EVERYTHING)).documents[1];
        expect(toEpochMillis(entryOf(stored, 'd3', 'volume')!.asOf)).toBe(asOf);
        expect(await store.writeFlags([set(h1, 'd3', 'volume', null)])).toEqual({ written: 1, rejected: 0 });
        expect(await verdicts(store)).toEqual([
          'bitcoin:2022-05-02 d3 latest_price low 1.000000000',
          'bitcoin:2022-05-02 d7 volume low null',
        ]);
        // Setting what is there already, or clearing what is not, changes nothing and is not counted.
        expect(await store.writeFlags([set(h1, 'd7', 'volume', flag('low', null))])).toEqual({
          written: 0,
          rejected: 0,
        });
        expect(await store.writeFlags([set(h0, 'd3', 'volume', null)])).toEqual({ written: 0, rejected: 0 });
        expect(await store.writeFlags([])).toEqual({ written: 0, rejected: 0 });
      });

      it('writeFlags guards each entry on its own: a later evaluation is never undone, the others still apply', async () => {
        const { store } = await make(dailyDocuments(['bitcoin'], '2022-05-01', 1));
        const [handle] = await handlesOf(store);
        const later = at('2022-05-08');
        const earlier = at('2022-05-02');
        const entry = (timeframeKey: string, f: FlagUpdate['changes'][0]['flag']) => ({
          timeframeKey,
          metric: 'volume',
          flag: f,
        });
        expect(
          await store.writeFlags([{ handle, asOf: later, changes: [entry('d7', flag('high'))] }]),
        ).toEqual({
          written: 1,
          rejected: 0,
        });
        expect(await store.writeFlags([{ handle, asOf: earlier, changes: [entry('d7', null)] }])).toEqual({
          written: 0,
          rejected: 0,
        });
        // Not all-or-nothing: d7 is guarded, d3 is written.
        expect(
          await store.writeFlags([
            { handle, asOf: earlier, changes: [entry('d7', flag('low')), entry('d3', flag('low'))] },
          ]),
        ).toEqual({ written: 1, rejected: 0 });
        const doc = (await readAll(store, EVERYTHING)).documents[0];
        expect([
          entryOf(doc, 'd7', 'volume')!.direction,
          toEpochMillis(entryOf(doc, 'd7', 'volume')!.asOf),
        ]).toEqual(['high', later]);
        expect(toEpochMillis(entryOf(doc, 'd3', 'volume')!.asOf)).toBe(earlier);
      });

      it.each([
        ['null', null],
        ['a string', 'checked'],
        ['an array', [{ d3: {} }]],
      ])(
        'writeFlags never writes a document whose flags field is %s; the rest of the request is written',
        async (_, value) => {
          const docs = dailyDocuments(['bitcoin'], '2022-05-01', 2);
          const { store } = await make([{ ...docs[0]!, anomalies: value }, docs[1]!]);
          const handles = await handlesOf(store);
          const changes = [{ timeframeKey: 'd3', metric: 'volume', flag: flag('high') }];
          expect(await store.writeFlags(handles.map((handle) => ({ handle, asOf: 1, changes })))).toEqual({
            written: 1,
            rejected: 1,
          });
          const [bad, good] = (await readAll(store, EVERYTHING)).documents;
          expect((bad as { anomalies: unknown }).anomalies).toEqual(value);
          expect(entryOf(good, 'd3', 'volume')?.direction).toBe('high');
        },
      );
    });

    describe('run summaries', () => {
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
        expect(toEpochMillis(first.from)).toBe(at('2022-05-01'));
      });

      it('findRuns(query) filters by assets, mode, asOf bounds (exclusive) and parameters', async () => {
        const { store } = await make(dailyDocuments(['bitcoin'], '2022-05-01', 1));
        await store.upsertRuns([
          run(at('2022-05-08')),
          run(at('2022-05-09')),
          { ...run(at('2022-05-10')), paramsHash: 'other' },
          { ...run(at('2022-05-10')), asset: 'ethereum' },
          { ...run(at('2022-05-11')), params: { ...run(0).params, mode: 'rolling' } },
        ]);
        const found = async (q: Partial<Parameters<DetectionStore['findRuns']>[0]>) =>
          (
            await store.findRuns({
              assets: ['bitcoin'],
              mode: 'window',
              asOfAfter: Number.NEGATIVE_INFINITY,
              ...q,
            })
          )
            .map((m) => `${m.asset}@${new Date(m.asOf).toISOString().slice(5, 10)}`)
            .sort();
        expect(await found({})).toEqual(['bitcoin@05-08', 'bitcoin@05-09', 'bitcoin@05-10']);
        expect(await found({ asOfAfter: at('2022-05-08'), asOfBefore: at('2022-05-10') })).toEqual([
          'bitcoin@05-09',
        ]);
        expect(await found({ paramsHash: 'other' })).toEqual(['bitcoin@05-10']);
        expect(await found({ assets: null, asOfAfter: at('2022-05-09') })).toEqual([
          'bitcoin@05-10',
          'ethereum@05-10',
        ]);
        expect(await found({ mode: 'rolling' })).toEqual(['bitcoin@05-11']);
        const [mark] = await store.findRuns({ assets: ['bitcoin'], mode: 'rolling', asOfAfter: 0 });
        expect([mark!.timeframes, mark!.metrics]).toEqual([[7], ['volume']]);
      });

      it('a time limit (maxTimeMS) on a query that ends in time changes nothing of its result: read, listAssets, findRuns', async () => {
        const { store } = await make(dailyDocuments(['bitcoin', 'solana'], '2022-05-01', 3));
        await store.upsertRuns([run(at('2022-05-08')), { ...run(at('2022-05-09')), asset: 'solana' }]);
        const limit = { maxTimeMS: 60_000 };
        expect(await readAll(store, { ...EVERYTHING, ...limit })).toEqual(await readAll(store, EVERYTHING));
        const range = { from: at('2022-05-01'), to: at('2022-05-03') };
        expect(await store.listAssets({ ...range, ...limit })).toEqual(await store.listAssets(range));
        const runs = { assets: null, mode: 'window', asOfAfter: 0 } as const;
        const sorted = (marks: Awaited<ReturnType<DetectionStore['findRuns']>>) =>
          marks.map((m) => `${m.asset}@${m.asOf}`).sort();
        const limited = sorted(await store.findRuns({ ...runs, ...limit }));
        expect(limited).toHaveLength(2);
        expect(limited).toEqual(sorted(await store.findRuns(runs)));
      });
    });

    describe('the service on this store (SPEC section 1)', () => {
      it('flags the spike, writes only flagged documents, and a rerun writes nothing', async () => {
        const fixture = await make(spiky());
        const text = JSON.stringify({
          version: 1,
          assets: ['bitcoin', 'ethereum'],
          asOf: '2022-05-15T00:00:00Z',
        });
        const first = (await process(fixture.store, 'm-1', text)).jobs[0]!;
        const flagged = await verdicts(fixture.store);
        expect(flagged.length).toBeGreaterThan(0);
        expect(flagged.every((v) => v.startsWith('bitcoin:'))).toBe(true);
        // Never-flagged documents are not touched: one write per flagged document.
        expect(first.flagsWritten).toBe(new Set(flagged.map((v) => v.split(' ')[0])).size);
        expect(totalNew(first)).toBe(flagged.length);
        const second = (await process(fixture.store, 'm-1', text)).jobs[0]!;
        expect([second.flagsWritten, totalNew(second), second.flaggedValues]).toEqual([
          0,
          0,
          first.flaggedValues,
        ]);
        expect(await fixture.runs()).toHaveLength(2);
      });

      it('the next run writes only the documents whose verdict changed', async () => {
        const { store } = await make(spiky());
        await process(store, 'm-1', body('2022-05-14'));
        const before = await verdicts(store);
        const next = (await process(store, 'm-2', body('2022-05-15'))).jobs[0]!;
        const after = await verdicts(store);
        const changedDocs = new Set(
          [...before.filter((v) => !after.includes(v)), ...after.filter((v) => !before.includes(v))].map(
            (v) => v.split(' ')[0],
          ),
        );
        expect(next.flagsWritten).toBe(changedDocs.size);
        expect(next.flagsWritten).toBeLessThan(next.documentsRead);
      });

      it('a request for some metrics never changes the stored flags of the others', async () => {
        const docs = dailyDocuments(['bitcoin'], '2022-05-01', 14, (_a, d) =>
          d === 12 ? 1e6 : 100 + (d % 5),
        );
        const withPriceSpike = docs.map((d, i) => (i === 11 ? { ...d, latest_price: 1e4 } : d));
        const { store } = await make(withPriceSpike);
        await process(store, 'm-1', body('2022-05-15'));
        const full = await verdicts(store);
        expect(full.some((v) => v.includes(' latest_price '))).toBe(true);
        await process(store, 'm-2', body('2022-05-15', { metrics: ['volume'], deviationLimit: 3 }));
        const after = await verdicts(store);
        expect(after.filter((v) => v.includes(' latest_price '))).toEqual(
          full.filter((v) => v.includes(' latest_price ')),
        );
      });

      it('concurrent requests for different metrics of one asset both land', async () => {
        const docs = dailyDocuments(['bitcoin'], '2022-05-01', 14, (_a, d) =>
          d === 12 ? 1e6 : 100 + (d % 5),
        );
        const { store } = await make(docs.map((d, i) => (i === 11 ? { ...d, latest_price: 1e4 } : d)));
        await Promise.all([
          process(store, 'm-1', body('2022-05-15', { metrics: ['volume'] })),
          process(store, 'm-2', body('2022-05-15', { metrics: ['latest_price'] })),
        ]);
        const after = await verdicts(store);
        expect(after.some((v) => v.includes(' volume '))).toBe(true);
        expect(after.some((v) => v.includes(' latest_price '))).toBe(true);
      });

      it('delivery order does not decide the result: shuffled and duplicated requests end in the in-order state', async () => {
        const days = ['2022-05-12', '2022-05-14', '2022-05-16', '2022-05-18', '2022-05-20'];
        const finalState = async (order: number[]) => {
          const fixture = await make(spiky());
          for (const i of order) await process(fixture.store, `m-${i}`, body(days[i]!));
          const rerun = await Promise.all(days.map((d, i) => process(fixture.store, `m-${i}`, body(d))));
          return {
            rerunWrites: rerun.reduce((n, r) => n + r.jobs[0]!.flagsWritten, 0),
            verdicts: await verdicts(fixture.store),
          };
        };
        const inOrder = await finalState([0, 1, 2, 3, 4]);
        expect(inOrder.rerunWrites).toBe(0);
        const random = seededRandom(7);
        for (let trial = 0; trial < 3; trial++) {
          const order = [0, 1, 2, 3, 4, 2, 0].sort(() => random() - 0.5);
          const other = await finalState(order);
          expect(other.rerunWrites).toBe(0);
          expect(other.verdicts).toEqual(inOrder.verdicts);
        }
      });

      it('a request older than the latest evaluation writes nothing inside its windows, only what it alone covers', async () => {
        const { store } = await make(spiky());
        const newer = (await process(store, 'm-new', body('2022-05-20'))).jobs[0]!;
        expect(newer.flagsWritten).toBeGreaterThan(0);
        const snapshot = await verdicts(store);
        await process(store, 'm-old', body('2022-05-12'));
        const after = await verdicts(store);
        // The newer 7-day window starts on 05-13: nothing from then on changed.
        const inNewerWindow = (v: string) => v.split(' ')[0]!.slice(-10) >= '2022-05-13';
        expect(after.filter(inNewerWindow)).toEqual(snapshot.filter(inNewerWindow));
        // The spike of day 9 (05-10) only the older request covers.
        expect(after.some((v) => v.startsWith('bitcoin:2022-05-10 d7 volume high'))).toBe(true);
      });

      it('skips and counts a document whose flags field is not an object; the rest is written', async () => {
        const docs = dailyDocuments(['bitcoin'], '2022-05-01', 14, (_a, d) =>
          d === 10 ? 1e6 : 100 + (d % 3),
        );
        const { store } = await make(docs.map((d, i) => (i === 12 ? { ...d, anomalies: 'legacy' } : d)));
        const job = (await process(store, 'm-1', body('2022-05-15'))).jobs[0]!;
        expect(job.dataQualityIssues).toBe(1);
        expect(job.flagsWritten).toBeGreaterThan(0);
        const docsAfter = (await readAll(store, EVERYTHING)).documents;
        expect((docsAfter[12] as { anomalies: unknown }).anomalies).toBe('legacy');
        expect(entryOf(docsAfter[10], 'd7', 'volume')?.direction).toBe('high');
      });

      it('alerts: every new flag is published once, a rerun publishes nothing, a failed publish is retried', async () => {
        const { store } = await make(spiky());
        const published: AlertDetail[] = [];
        let failNext = true;
        const alerts = {
          policy: { enabled: true, minScore: 0, metrics: null, timeframes: null },
          publisher: {
            async publish(batch: readonly AlertDetail[]) {
              if (failNext) {
                failNext = false;
                throw new AlertPublishError('PutEvents failed (simulated)');
              }
              published.push(...batch);
            },
          },
        };
        const input = { messageId: 'm-1', body: body('2022-05-15'), sentTimestamp: 0 };
        const deps = { config: CONTRACT_CONFIG, store, alerts };
        // The first attempt writes its flags, then fails to publish: the record fails (SQS retries it).
        await expect(processRecord(input, deps)).rejects.toBeInstanceOf(AlertPublishError);
        const stored = await verdicts(store);
        expect(stored.length).toBeGreaterThan(0);
        // The retry writes nothing new, but still finds this evaluation's flags new and publishes them.
        const retry = (await processRecord(input, deps)).jobs[0]!;
        expect(retry.flagsWritten).toBe(0);
        expect(
          published.map((a) => `${a.asset}:${a.time.slice(0, 10)} d${a.timeframe} ${a.metric}`).sort(),
        ).toEqual(stored.map((v) => v.split(' ').slice(0, 3).join(' ')).sort());
        expect(new Set(published.map((a) => a.id)).size).toBe(published.length);
        const rerun = (await processRecord(input, deps)).jobs[0]!;
        expect([rerun.alertsPublished, totalNew(rerun)]).toEqual([0, 0]);
      });

      it('alerts: a retry after a failed publish alerts on the same new flags, not on merely re-scored ones', async () => {
        const config = loadServiceConfig({ METRICS: 'volume', TIMEFRAMES: '14' });
        const docs = dailyDocuments(['bitcoin'], '2022-05-01', 20, (_a, d) =>
          d === 10 ? 1e6 : d === 12 ? 5000 : 100 + d * 3 + (d % 4),
        );
        const policy = { enabled: true, minScore: 0, metrics: null, timeframes: null };
        const publishedOn = async (failFirst: boolean) => {
          const { store } = await make(docs);
          const published: string[] = [];
          let fail = false;
          const publisher = {
            async publish(batch: readonly AlertDetail[]) {
              if (fail) {
                fail = false;
                throw new AlertPublishError('PutEvents failed (simulated)');
              }
              published.push(...batch.map((a) => `${a.time.slice(0, 10)} d${a.timeframe} ${a.direction}`));
            },
          };
          const run = (asOf: string) =>
            processRecord(
              {
                messageId: asOf,
                body: body(asOf, { metrics: ['volume'], timeframes: [14] }),
                sentTimestamp: 0,
              },
              { config, store, alerts: { policy, publisher } },
            );
          await run('2022-05-13');
          published.length = 0;
          fail = failFirst;
          if (failFirst) await expect(run('2022-05-14')).rejects.toBeInstanceOf(AlertPublishError);
          await run('2022-05-14');
          return published.sort();
        };
        const clean = await publishedOn(false);
        expect(clean.length).toBeGreaterThan(0);
        expect(await publishedOn(true)).toEqual(clean);
      });

      it('rolling mode judges only new points and reads only the history their windows need', async () => {
        const { store } = await make(spiky());
        const rolling = (asOf: string) => process(store, `r-${asOf}`, body(asOf, { mode: 'rolling' }));
        const first = (await rolling('2022-05-18')).jobs[0]!;
        const snapshot = await verdicts(store);
        const next = (await rolling('2022-05-19')).jobs[0]!;
        // One new point per asset (05-18), its 7-day history: 8 documents.
        expect(next.documentsRead).toBe(8);
        expect(next.documentsRead).toBeLessThan(first.documentsRead);
        const after = await verdicts(store);
        expect(after.filter((v) => !v.startsWith('bitcoin:2022-05-18'))).toEqual(snapshot);
        expect(totalNew(next)).toBe(after.length - snapshot.length);
        const rerun = (await rolling('2022-05-19')).jobs[0]!;
        expect([rerun.documentsRead, rerun.flagsWritten]).toEqual([0, 0]);
      });
    });
  });
}

export { FIELDS as CONTRACT_FIELDS };
