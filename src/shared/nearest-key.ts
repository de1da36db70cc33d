/**
 * "Did you mean …?" for a key a config does not read: the known key fewest edits away, counting
 * an insertion, a deletion, a substitution or a swap of two neighbouring letters as one edit
 * (the optimal-string-alignment form of the Damerau–Levenshtein distance).
 */

/** Edits between `a` and `b`: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The known key nearest to `key`, compared without regard to case, `-` or `_`: one at most two
 * edits away (one for keys of up to four letters, so that short words do not match anything),
 * the first of the nearest in `known`'s order; undefined when none is that near.
 */
export function nearestKey(key: string, known: Iterable<string>): string | undefined {
  const folded = fold(key);
  const limit = folded.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(folded, fold(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function fold(key: string): string {
  return key.toLowerCase().replaceAll('-', '_');
}
