import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runBlocksInOrder } from '../../lambdas/threads/ordered-blocks.ts';
import { seededRandom } from '../support/seeded-random.ts';

describe('runBlocksInOrder', () => {
  it.each([0, 1, 3])(
    'consumes every block once, in block order, with %i pool threads finishing out of order',
    async (threads) => {
      const random = seededRandom(11 + threads);
      const delays = Object.freeze(Array.from({ length: 40 }, () => Math.floor(random() * 4)));
      const ranHere: number[] = [];
      const ranThere = new Set<number>();
      const consumed: number[] = [];
      await runBlocksInOrder({
        count: delays.length,
        here: (i) => {
          ranHere.push(i);
          return i * 10;
        },
        there: async (i, thread) => {
          expect(thread).toBeLessThan(threads);
          ranThere.add(i);
          await sleep(delays[i]!);
          return i * 10;
        },
        threads,
        consume: async (value, i) => {
          expect(value).toBe(i * 10);
          consumed.push(i);
          await sleep(0);
        },
      });
      expect(consumed).toEqual(delays.map((_, i) => i));
      expect(ranHere.length + ranThere.size).toBe(delays.length);
      for (const i of ranHere) expect(ranThere.has(i)).toBe(false);
      if (threads > 0) expect(ranThere.size).toBeGreaterThan(0);
    },
  );

  it('keeps a bounded number of values waiting when consuming is slow', async () => {
    let waiting = 0;
    let most = 0;
    const produced = () => {
      waiting++;
      most = Math.max(most, waiting);
    };
    await runBlocksInOrder({
      count: 60,
      here: (i) => {
        produced();
        return i;
      },
      there: async (i) => {
        await sleep(0);
        produced();
        return i;
      },
      threads: 2,
      consume: async () => {
        waiting--;
        await sleep(2);
      },
    });
    // threads × (depth + 1) + 2 with the default depth of 2.
    expect(most).toBeLessThanOrEqual(2 * 3 + 2);
  });

  it('rejects with the error of a pool block and consumes no block from it on', async () => {
    const consumed: number[] = [];
    await expect(
      runBlocksInOrder({
        count: 20,
        here: (i) => i,
        // The pool's lanes take the first blocks as soon as the run starts, so block 0 fails.
        there: async (i) => {
          await sleep(1);
          throw new Error(`block ${i} failed`);
        },
        threads: 1,
        consume: async (_, i) => {
          consumed.push(i);
        },
      }),
    ).rejects.toThrow('block 0 failed');
    expect(consumed).toEqual([]);
  });

  it('rejects with the error of a block run here', async () => {
    await expect(
      runBlocksInOrder({
        count: 3,
        here: (i) => {
          if (i === 1) throw new RangeError('bad block');
          return i;
        },
        consume: async () => {},
      }),
    ).rejects.toThrow(RangeError);
  });
});
