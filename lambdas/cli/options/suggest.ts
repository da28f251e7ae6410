/**
 * Edit distance with transpositions (optimal string alignment): a swapped
 * pair of letters (`detcet`) costs 1, as people mistype.
 *
 * Complexity: O(|a| · |b|) time, O(|b|) memory.
 *
 * @example
 * editDistance('detcet', 'detect'); // 1
 */
export function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      current.push(d);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The closest candidate to a mistyped word, for a "did you mean" hint: the
 * one candidate that the word starts (`--dev` → `deviation-limit`), else the
 * nearest within an edit distance of a third of its length (at least 1, at
 * most 3). `undefined` when nothing is close enough or a prefix is ambiguous.
 *
 * Complexity: O(candidates · |word| · |candidate|).
 *
 * @example
 * suggest('timeframe', ['timeframes', 'metrics']); // 'timeframes'
 * suggest('zzz', ['timeframes']); // undefined
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (word === '') return undefined;
  const prefixed = candidates.filter((c) => c.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
