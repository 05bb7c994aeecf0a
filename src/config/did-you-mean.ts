function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * " (did you mean "x"?)" when a candidate is close to `name`, else a list of the candidates
 * when there are few, else nothing: enough for the user to fix a typo without opening files.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const list = [...candidates];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of list) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3))) {
    return ` (did you mean "${best}"?)`;
  }
  if (list.length > 0 && list.length <= 12) return ` (known: ${list.sort().join(", ")})`;
  return "";
}
