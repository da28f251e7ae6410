/**
 * mulberry32: a tiny, fast, seedable PRNG, so generated test and benchmark
 * data is the same on every run and a failing seed can be replayed.
 *
 * @param seed - any 32-bit integer
 * @returns a function giving uniform numbers in [0, 1)
 *
 * @example
 * const random = seededRandom(42);
 * random(); // the same first number on every run
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
