/**
 * Seeded random source documents for the differential test against pandas:
 * inputs unlike any golden case — several assets on irregular, roughly hourly
 * clocks, every time and value encoding the spec allows, bad values, ties and
 * spikes — reproducible from the seed alone.
 */
import { seededRandom } from '../support/seeded-random.ts';

/** The metrics the generated documents carry. */
export const DIFF_METRICS = ['latest_price', 'volume', 'market_cap_score'] as const;

const HOUR = 3_600_000;

/** What to generate. */
export interface RandomDocumentsOptions {
  readonly seed: number;
  /** Allow several documents of one asset at the same instant. */
  readonly duplicates: boolean;
}

/** Documents in shuffled input order, and the epoch-ms times they carry (for choosing an asOf). */
export interface RandomDocuments {
  readonly docs: readonly Record<string, unknown>[];
  readonly times: readonly number[];
}

/**
 * Generates 3–4 assets of ~40–160 documents each (one of them sparse), shuffled.
 *
 * Times: ISO with `Z`, ISO with a `+hh:mm` / `-hh:mm` offset, naive ISO (UTC),
 * `{"$date": ISO}` and `{"$date": {"$numberLong": ms}}`; steps of mostly one
 * hour, some jittered to the millisecond, some gaps of hours or days, and
 * (with `duplicates`) repeated instants.
 * Values: a random walk per metric, ties (values rounded to a coarse grid),
 * spikes both ways, Extended JSON numbers of every kind, and bad values
 * (null, missing, numeric strings, booleans, Extended JSON NaN/±Infinity, objects).
 */
export function randomDocuments({ seed, duplicates }: RandomDocumentsOptions): RandomDocuments {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const assets = ['alpha', 'beta-coin', 'gamma_token', 'delta'].slice(0, 3 + Math.floor(rnd() * 2));
  const start = Date.UTC(2023, Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 27), Math.floor(rnd() * 24));
  const docs: Record<string, unknown>[] = [];
  const times: number[] = [];
  assets.forEach((asset, a) => {
    const sparse = a === assets.length - 1;
    const count = sparse ? 10 + Math.floor(rnd() * 30) : 80 + Math.floor(rnd() * 80);
    const levels = DIFF_METRICS.map(() => 10 ** (rnd() * 8 - 2));
    let t = start + Math.floor(rnd() * 48) * HOUR;
    for (let i = 0; i < count; i++) {
      t += timeStep(rnd, sparse, duplicates);
      times.push(t);
      const doc: Record<string, unknown> = {
        _id: `${asset}:${i}`,
        coin_id: asset,
        timestamp: encodeTime(t, rnd),
      };
      DIFF_METRICS.forEach((metric, m) => {
        levels[m]! *= 1 + (rnd() - 0.5) * 0.1;
        const v = encodeValue(levels[m]!, rnd, pick);
        if (v !== MISSING) doc[metric] = v;
      });
      docs.push(doc);
    }
  });
  // Fisher–Yates: input order differs from time order; equal instants keep a random relative order
  for (let i = docs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [docs[i], docs[j]] = [docs[j]!, docs[i]!];
  }
  return { docs, times };
}

function timeStep(rnd: () => number, sparse: boolean, duplicates: boolean): number {
  const r = rnd();
  if (sparse) return Math.floor((6 + rnd() * 60) * HOUR);
  if (r < 0.08) return duplicates ? 0 : HOUR;
  if (r < 0.65) return HOUR;
  if (r < 0.85) return HOUR + Math.floor((rnd() - 0.5) * 40 * 60_000) + Math.floor(rnd() * 1000);
  if (r < 0.98) return (2 + Math.floor(rnd() * 5)) * HOUR;
  return Math.floor((1 + rnd()) * 24 * HOUR);
}

function encodeTime(t: number, rnd: () => number): unknown {
  const iso = new Date(t).toISOString();
  const r = rnd();
  if (r < 0.3) return iso;
  if (r < 0.5) return { $date: iso };
  if (r < 0.7) return { $date: { $numberLong: String(t) } };
  if (r < 0.85) {
    const offsetMinutes = (Math.floor(rnd() * 25) - 12) * 60 + (rnd() < 0.2 ? 30 : 0);
    const local = new Date(t + offsetMinutes * 60_000).toISOString().slice(0, -1);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
  const naive = iso.slice(0, -1); // no offset: UTC, as pandas localizes it
  return rnd() < 0.5 ? naive : naive.replace('T', ' ');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const MISSING = Symbol('missing');

const BAD_VALUES: readonly unknown[] = [
  null,
  '12.5',
  'n/a',
  true,
  false,
  { $numberDouble: 'NaN' },
  { $numberDouble: 'Infinity' },
  { $numberDouble: '-Infinity' },
  { $numberDecimal: 'NaN' },
  { value: 3 },
  [4],
];

function encodeValue(level: number, rnd: () => number, pick: <T>(xs: readonly T[]) => T): unknown {
  const r = rnd();
  if (r < 0.04) return MISSING;
  if (r < 0.1) return pick(BAD_VALUES);
  let x = level * (1 + (rnd() - 0.5) * 0.2);
  const shape = rnd();
  if (shape < 0.2)
    x = Math.round(level); // ties: many values on one integer
  else if (shape < 0.3) x = Math.round(x * 4) / 4;
  else if (shape < 0.34)
    x *= 5 + rnd() * 20; // spike up
  else if (shape < 0.37) x = -x * rnd() * 3; // spike down, negative
  const encoding = rnd();
  if (encoding < 0.75) return x;
  if (encoding < 0.8 && Number.isInteger(x) && Math.abs(x) < 2 ** 31) return { $numberInt: String(x) };
  if (encoding < 0.85 && Number.isInteger(x)) return { $numberLong: String(x) };
  if (encoding < 0.93) return { $numberDouble: String(x) };
  return { $numberDecimal: String(x) };
}
