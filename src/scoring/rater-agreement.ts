/**
 * Chance-corrected agreement between raters: Cohen's κ for two raters (with the weights
 * scikit-learn's `cohen_kappa_score` offers) and Fleiss' κ for a fixed number of raters per
 * subject (Fleiss 1971). Krippendorff's α, which also takes missing ratings, is in
 * krippendorff-alpha.ts.
 */

export type KappaWeights = "none" | "linear" | "quadratic";

export interface CohenKappaOptions {
  weights: KappaWeights;
  /**
   * The ordered categories. Default: the distinct labels of both raters, sorted. Weights use
   * a category's position in this list, as scikit-learn does, so a scale of 1–4 on which
   * nobody used 3 should pass `labels: [1, 2, 3, 4]` to keep 2 and 4 two steps apart.
   */
  labels?: readonly (number | string)[];
}

function sortedLabels(values: readonly (number | string)[]): (number | string)[] {
  const distinct = [...new Set(values)];
  return distinct.sort((x, y) =>
    typeof x === "number" && typeof y === "number" ? x - y : String(x) < String(y) ? -1 : 1,
  );
}

/**
 * Cohen's κ between two raters' labels for the same items:
 * κ = 1 − Σ w·observed / Σ w·expected, with expected = outer product of the marginals and
 * w = 0/1 (none), |i − j| (linear) or (i − j)² (quadratic) on category positions.
 */
export function cohenKappa(
  a: readonly (number | string)[],
  b: readonly (number | string)[],
  options: CohenKappaOptions,
): number {
  if (a.length !== b.length) {
    throw new RangeError(`cohenKappa: the raters rated ${a.length} and ${b.length} items`);
  }
  if (a.length === 0) throw new RangeError("cohenKappa: no items to compare");
  const labels = options.labels ? [...options.labels] : sortedLabels([...a, ...b]);
  const index = new Map(labels.map((label, i) => [label, i]));
  const k = labels.length;
  const observed = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < a.length; i++) {
    const row = index.get(a[i]!);
    const column = index.get(b[i]!);
    if (row === undefined || column === undefined) {
      throw new RangeError(
        `cohenKappa: item ${i} has label ${String(row === undefined ? a[i] : b[i])}, which is not in labels`,
      );
    }
    observed[row]![column]!++;
  }
  const rowTotals = observed.map((row) => row.reduce((s, x) => s + x, 0));
  const columnTotals = labels.map((_, j) => observed.reduce((s, row) => s + row[j]!, 0));
  const n = a.length;
  let weightedObserved = 0;
  let weightedExpected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w =
        options.weights === "none"
          ? i === j
            ? 0
            : 1
          : options.weights === "linear"
            ? Math.abs(i - j)
            : (i - j) ** 2;
      weightedObserved += w * observed[i]![j]!;
      weightedExpected += (w * rowTotals[i]! * columnTotals[j]!) / n;
    }
  }
  if (weightedExpected === 0) {
    throw new RangeError("cohenKappa: undefined when both raters used one and the same label");
  }
  return 1 - weightedObserved / weightedExpected;
}

/**
 * Fleiss' κ (Fleiss 1971, Psychological Bulletin 76:378–382). Row i holds how many raters put
 * subject i in each category; every subject must have the same number of ratings.
 */
export function fleissKappa(countsPerSubject: readonly (readonly number[])[]): number {
  const subjects = countsPerSubject.length;
  if (subjects === 0) throw new RangeError("fleissKappa: no subjects");
  const categories = countsPerSubject[0]!.length;
  const raters = countsPerSubject[0]!.reduce((s, x) => s + x, 0);
  if (raters < 2) throw new RangeError("fleissKappa: each subject needs at least two ratings");
  const categoryTotals = new Array<number>(categories).fill(0);
  let agreementSum = 0;
  countsPerSubject.forEach((row, i) => {
    if (row.length !== categories) {
      throw new RangeError(
        `fleissKappa: subject ${i} has ${row.length} categories, not ${categories}`,
      );
    }
    const total = row.reduce((s, x) => s + x, 0);
    if (total !== raters) {
      throw new RangeError(
        `fleissKappa: subject ${i} has ${total} ratings, subject 0 has ${raters}`,
      );
    }
    let pairs = 0;
    row.forEach((count, j) => {
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(`fleissKappa: subject ${i} has count ${count} in category ${j}`);
      }
      categoryTotals[j]! += count;
      pairs += count * (count - 1);
    });
    agreementSum += pairs / (raters * (raters - 1));
  });
  const observed = agreementSum / subjects;
  const expected = categoryTotals.reduce((s, t) => s + (t / (subjects * raters)) ** 2, 0);
  if (expected === 1) throw new RangeError("fleissKappa: undefined when every rating is the same");
  return (observed - expected) / (1 - expected);
}
