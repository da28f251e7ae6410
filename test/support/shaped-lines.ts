import fc from 'fast-check';

/**
 * Runs of NDJSON lines written as an export writes them — every line of a run with the same
 * spacing — now and then one cut short somewhere after a line of the same shape: for the
 * scanners that read a line by the shape of the line before.
 *
 * @param doc - the documents, one per line
 * @param maxLines - the longest run
 */
export function shapedLineRuns(doc: fc.Arbitrary<object>, maxLines: number): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      fc.array(doc, { minLength: 2, maxLength: maxLines }),
      fc.constantFrom(undefined, ' ', '\t'),
      fc.array(fc.nat(400), { maxLength: 3 }),
    )
    .map(([docs, space, cuts]) => {
      const lines = docs.map((d) => JSON.stringify(d, null, space).replaceAll('\n', ' '));
      for (const cut of cuts) {
        const i = cut % lines.length;
        lines[i] = lines[i]!.slice(0, cut % (lines[i]!.length + 1));
      }
      return lines;
    });
}
