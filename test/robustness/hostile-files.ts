import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import { writeStreamed } from './run-cli.ts';

const DAY_MS = 86_400_000;
const MAY_1 = Date.UTC(2022, 4, 1);

/** The ISO time of day `i` from 2022-05-01. */
export function day(i: number): string {
  return new Date(MAY_1 + i * DAY_MS).toISOString();
}

/** One valid document of asset `bitcoin` on day `i`, with `volume` 10, 11, 12, … and extra fields. */
export function doc(i: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    _id: `bitcoin:${i}`,
    coin_id: 'bitcoin',
    timestamp: { $date: day(i) },
    volume: 10 + (i % 3),
    ...extra,
  });
}

/** `count` valid documents, one per line, newline-terminated. */
export function docs(count: number, from = 0): string {
  return Array.from({ length: count }, (_, i) => `${doc(from + i)}\n`).join('');
}

/** An array nested `levels` deep, as text: `[[[…]]]`. */
export function nestedArray(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

const MIB = 1024 * 1024;

/**
 * Writes the large inputs of the suite by streaming them, one MiB at a time:
 * a 20 MiB NDJSON line between good ones, the same as a JSON array element,
 * and a CSV whose quoted cell stays open over 20 lines of 1 MiB.
 *
 * @param dir - the suite's temporary directory
 * @returns the paths
 *
 * @example
 * const big = await writeLargeInputs(dir);
 */
export async function writeLargeInputs(dir: string): Promise<{ ndjson: string; json: string; csv: string }> {
  const filler = function* (head: string, piece: string, tail: string) {
    yield head;
    for (let i = 0; i < 20; i++) yield piece;
    yield tail;
  };
  const mib = 'x'.repeat(MIB);
  const paths = {
    ndjson: join(dir, 'long.ndjson'),
    json: join(dir, 'long.json'),
    csv: join(dir, 'long.csv'),
  };
  await writeStreamed(
    paths.ndjson,
    filler(`${doc(0)}\n{"coin_id":"bitcoin","note":"`, mib, `"}\n${docs(5, 1)}`),
  );
  await writeStreamed(paths.json, filler(`[${doc(0)},\n{"note":"`, mib, `"},\n${doc(1)}]\n`));
  const csvHead = `coin_id,timestamp,volume\nbitcoin,${day(0)},1\nbitcoin,${day(1)},"`;
  await writeStreamed(paths.csv, filler(csvHead, `${'x'.repeat(MIB - 1)}\n`, ''));
  return paths;
}

/** UTF-16LE bytes of `text`, with or without the byte-order mark. */
export function utf16(text: string, bom: boolean): Buffer {
  return Buffer.from(`${bom ? '\uFEFF' : ''}${text}`, 'utf16le');
}
