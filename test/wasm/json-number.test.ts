import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantiate } from '../../lambdas/wasm/wasm-module.ts';
// @ts-expect-error: a plain JavaScript build tool, without type declarations
import { ryuTables } from '../../tools/ryu-tables.mjs';

/** The rolling kernel's `writeJsonNumber`, as a function from a double to its text. */
function jsonNumberWriter(): (x: number) => string {
  const exports = instantiate<{
    readonly memory: WebAssembly.Memory;
    writeJsonNumber(x: number, p: number): number;
    readonly LAYOUT_AT: WebAssembly.Global;
  }>('rolling');
  if (exports === null) throw new Error('dist/wasm/rolling.wasm is not built (npm run build:cli)');
  const at = exports.LAYOUT_AT.value as number;
  const bytes = new Uint8Array(exports.memory.buffer);
  return (x) => Buffer.from(bytes.subarray(at, exports.writeJsonNumber(x, at))).toString('latin1');
}

const write = jsonNumberWriter();

/** A double from 64 random bits. */
const anyDouble = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((bits) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
});

describe('writeJsonNumber (WebAssembly, Ryu)', () => {
  it.each(
    Object.freeze([
      [0, '0'],
      [-0, '0'],
      [Number.NaN, 'null'],
      [Number.NEGATIVE_INFINITY, 'null'],
      [1, '1'],
      [-1.5, '-1.5'],
      [0.1, '0.1'],
      [2.2513818594482733, '2.2513818594482733'],
      [32740605.121617097, '32740605.121617097'],
      [Number('9007199254740993'), '9007199254740992'],
      [2 ** 60, '1152921504606847000'],
      [1e21, '1e+21'],
      [123456789012345680000, '123456789012345680000'],
      [1e-6, '0.000001'],
      [1e-7, '1e-7'],
      [0.000001234, '0.000001234'],
      [1.2345e-7, '1.2345e-7'],
      [5e-324, '5e-324'],
      [-1.7976931348623157e308, '-1.7976931348623157e+308'],
      [Number('18579483.0322265625'), '18579483.032226562'],
    ] as const),
  )('writes %s as JSON.stringify does: %s', (x, text) => {
    expect(write(x)).toBe(text);
    expect(JSON.stringify(x)).toBe(text);
  });

  it('writes any double as JSON.stringify does (random bits, property)', () => {
    fc.assert(
      fc.property(anyDouble, (x) => write(x) === JSON.stringify(x)),
      { numRuns: 100_000 },
    );
  });

  it('writes the decimals of data — prices, scores, fences — as JSON.stringify does (property)', () => {
    const decimal = fc
      .tuple(fc.integer({ min: 1, max: 2 ** 53 - 1 }), fc.integer({ min: -25, max: 25 }))
      .map(([m, e]) => Number(`${m}e${e}`));
    const ratio = fc
      .tuple(fc.double({ noNaN: true }), fc.double({ noNaN: true, min: 1e-3 }))
      .map(([a, b]) => a / b);
    fc.assert(
      fc.property(fc.oneof(decimal, ratio, fc.double()), (x) => write(x) === JSON.stringify(x)),
      { numRuns: 100_000 },
    );
  });

  it('takes its multipliers from tables that tools/ryu-tables.mjs generates exactly', () => {
    const committed = readFileSync(new URL('../../assembly/ryu-tables.ts', import.meta.url), 'utf8');
    expect(committed).toBe(ryuTables());
  });
});
