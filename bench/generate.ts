import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../test/support/seeded-random.ts';

/** Size and seed of a generated hourly data set. */
export interface DatasetSpec {
  /** Number of assets, named `asset-0000`, `asset-0001`, … (sorted by name = by index). */
  readonly assets: number;
  /** Hourly observations per asset, starting at {@link BENCH_START}. */
  readonly hours: number;
  /** PRNG seed; each asset draws from its own stream, so a smaller set is a prefix of a larger one. */
  readonly seed?: number;
}

/** First observation time of every generated series: 2024-01-01T00:00:00Z. */
export const BENCH_START = Date.UTC(2024, 0, 1);

const HOUR_MS = 3_600_000;
const DEFAULT_SEED = 20240101;
/** Bump when the generated content changes, so stale cached files are not reused. */
const FORMAT_VERSION = 1;

/**
 * The instant just after the last generated hour: the natural window-mode `asOf`
 * (every window then ends with the newest observation).
 *
 * @example
 * datasetEnd({ assets: 1, hours: 24 }); // Date.UTC(2024, 0, 2)
 */
export function datasetEnd(spec: DatasetSpec): number {
  return BENCH_START + spec.hours * HOUR_MS;
}

/**
 * Name of asset `i`, zero-padded so that name order equals index order.
 *
 * @example
 * assetName(7); // 'asset-0007'
 */
export function assetName(i: number): string {
  return `asset-${String(i).padStart(4, '0')}`;
}

/**
 * Path of the cached NDJSON file of `spec`, generating it first when absent.
 *
 * The file is written to a temporary name and renamed, so an interrupted run
 * never leaves a truncated file that a later run would trust.
 *
 * @param spec - size and seed
 * @param dir - cache directory (gitignored `.bench/` by default)
 * @returns the file's path
 *
 * Complexity: O(assets × hours) on the first call, O(1) afterwards.
 *
 * @example
 * const file = ensureDataset({ assets: 1000, hours: 720 });
 */
export function ensureDataset(spec: DatasetSpec, dir = '.bench'): string {
  const seed = spec.seed ?? DEFAULT_SEED;
  const path = join(dir, `hourly-v${FORMAT_VERSION}-${spec.assets}x${spec.hours}-s${seed}.ndjson`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  const fd = openSync(partial, 'w');
  try {
    let chunk: string[] = [];
    for (const line of datasetLines(spec)) {
      chunk.push(line);
      if (chunk.length === 4096) {
        writeSync(fd, chunk.join(''));
        chunk = [];
      }
    }
    writeSync(fd, chunk.join(''));
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  return path;
}

/**
 * The documents of `spec` as NDJSON lines (each ending in `\n`), shaped like
 * `mongoexport` output of the real collection: `_id`, `coin_id`,
 * `timestamp: {"$date": ISO}` and the seven metrics.
 *
 * Lines come hour by hour, every asset within an hour (the insertion order of
 * an hourly ingestion job), so each asset's own observations are in time order.
 * Values follow per-asset random walks; scores sit on coarse 0..100 grids (many
 * ties); roughly 0.2 % of values are `null` and about 0.3 % of volumes and
 * 0.1 % of prices are spikes, so real flags occur.
 *
 * @param spec - size and seed
 * @returns a lazy sequence of lines
 *
 * Complexity: O(assets × hours).
 *
 * @example
 * const [first] = datasetLines({ assets: 1, hours: 1 });
 */
export function* datasetLines(spec: DatasetSpec): Generator<string> {
  const seed = spec.seed ?? DEFAULT_SEED;
  const walks = Array.from({ length: spec.assets }, (_, i) => new AssetWalk(assetName(i), seed + i * 7919));
  for (let h = 0; h < spec.hours; h++) {
    const iso = new Date(BENCH_START + h * HOUR_MS).toISOString().replace('.000Z', 'Z');
    for (const walk of walks) yield walk.next(iso);
  }
}

/** One asset's state; all randomness comes from its own seeded stream. */
class AssetWalk {
  readonly #name: string;
  readonly #random: () => number;
  readonly #sigma: number;
  readonly #supply: number;
  readonly #baseVolume: number;
  #price: number;
  #capScore: number;
  #liquidity: number;
  #volatility: number;

  constructor(name: string, seed: number) {
    this.#name = name;
    this.#random = seededRandom(seed);
    this.#sigma = 0.002 + 0.018 * this.#random();
    this.#price = 10 ** (-2 + 6 * this.#random());
    this.#supply = 10 ** (6 + 4 * this.#random());
    this.#baseVolume = this.#price * this.#supply * (0.01 + 0.1 * this.#random());
    this.#capScore = 20 + 70 * this.#random();
    this.#liquidity = 10 + 80 * this.#random();
    this.#volatility = 10 + 80 * this.#random();
  }

  next(iso: string): string {
    const r = this.#random;
    const z = gaussian(r);
    this.#price *= Math.exp(this.#sigma * z);
    this.#capScore = clamp(this.#capScore + 0.3 * gaussian(r));
    this.#liquidity = clamp(this.#liquidity + 0.8 * gaussian(r));
    this.#volatility = clamp(0.98 * this.#volatility + 0.02 * (50 + 400 * this.#sigma * Math.abs(z)));
    let price = this.#price;
    if (r() < 0.001) price *= r() < 0.5 ? 0.5 : 2;
    let volume = this.#baseVolume * Math.exp(0.5 * gaussian(r));
    if (r() < 0.003) volume *= 5 + 15 * r();
    const volatilityIndex = Math.round(1e4 * this.#sigma * 100 * (1 + 0.2 * Math.abs(z))) / 1e4;
    const fields = [
      price,
      grid(this.#capScore, 4),
      grid(this.#liquidity, 2),
      Math.round(this.#volatility),
      volume,
      price * this.#supply,
      volatilityIndex,
    ].map((v) => (r() < 0.002 ? 'null' : String(v)));
    return (
      `{"_id": "${this.#name}:${iso.slice(0, 13)}", "coin_id": "${this.#name}", "timestamp": {"$date": "${iso}"}, ` +
      `"latest_price": ${fields[0]}, "market_cap_score": ${fields[1]}, "liquidity_risk_score": ${fields[2]}, ` +
      `"volatility_risk_score": ${fields[3]}, "volume": ${fields[4]}, "market_cap": ${fields[5]}, ` +
      `"volatility_index": ${fields[6]}}\n`
    );
  }
}

/** Rounds to a `1/steps` grid so that scores tie often, as the real ones do. */
function grid(v: number, steps: number): number {
  return Math.round(v * steps) / steps;
}

function clamp(v: number): number {
  return Math.min(100, Math.max(0, v));
}

/** Standard normal draw (Box–Muller; one of the pair is enough here). */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
