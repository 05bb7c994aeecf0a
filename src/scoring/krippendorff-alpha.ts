/**
 * Krippendorff's α over a reliability-data matrix (rows = raters, columns = units, null =
 * not rated), computed through the coincidence matrix as in Krippendorff (2011), "Computing
 * Krippendorff's Alpha-Reliability", with the nominal, ordinal, interval and ratio metrics.
 */

export type MeasurementLevel = "nominal" | "ordinal" | "interval" | "ratio";

function squaredDistance(
  level: MeasurementLevel,
  values: readonly number[],
  marginals: readonly number[],
): (c: number, k: number) => number {
  switch (level) {
    case "nominal":
      return (c, k) => (c === k ? 0 : 1);
    case "interval":
      return (c, k) => (values[c]! - values[k]!) ** 2;
    case "ratio":
      return (c, k) => {
        const sum = values[c]! + values[k]!;
        return sum === 0 ? 0 : ((values[c]! - values[k]!) / sum) ** 2;
      };
    case "ordinal": {
      // δ²(c,k) = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², ranks taken from the marginals.
      const cumulative = [0];
      for (const m of marginals) cumulative.push(cumulative.at(-1)! + m);
      return (c, k) => {
        const [lo, hi] = c <= k ? [c, k] : [k, c];
        const between = cumulative[hi + 1]! - cumulative[lo]!;
        return (between - (marginals[lo]! + marginals[hi]!) / 2) ** 2;
      };
    }
  }
}

export function krippendorffAlpha(
  ratingsByRater: readonly (readonly (number | null)[])[],
  options: { level: MeasurementLevel },
): number {
  if (ratingsByRater.length === 0) throw new RangeError("krippendorffAlpha: no raters");
  const units = ratingsByRater[0]!.length;
  for (const [r, row] of ratingsByRater.entries()) {
    if (row.length !== units) {
      throw new RangeError(
        `krippendorffAlpha: rater ${r} rated ${row.length} units, rater 0 ${units}`,
      );
    }
  }
  const tally = new CoincidenceTally();
  for (let u = 0; u < units; u++) {
    const inUnit: number[] = [];
    for (const row of ratingsByRater) {
      const value = row[u];
      if (value !== null && value !== undefined) {
        if (!Number.isFinite(value)) {
          throw new RangeError(`krippendorffAlpha: unit ${u} has a non-finite rating ${value}`);
        }
        inUnit.push(value);
      }
    }
    tally.addUnit(inUnit);
  }
  return tally.alpha(options);
}

/**
 * The coincidence matrix, filled one unit at a time: memory grows with the distinct values
 * rated (four on a 1–4 scale), not with the units, so α over a 100k-cell run's jurors is
 * computed as its journal streams by.
 */
export class CoincidenceTally {
  /** coincidences[c][k] keyed by the rated values themselves. */
  private readonly coincidences = new Map<number, Map<number, number>>();
  /** Units with at least two ratings (the only ones that carry information). */
  pairableUnits = 0;

  /** Ordinal α with the number of units behind it; null where α is undefined. */
  ordinalAgreement(): JudgeAgreement {
    let alpha: number | null = null;
    try {
      alpha = this.alpha({ level: "ordinal" });
    } catch {
      // Fewer than one pairable unit, or every juror gave one and the same grade: α is undefined.
    }
    return { alpha, level: "ordinal", n: this.pairableUnits };
  }

  /** One unit's ratings (missing ones left out). */
  addUnit(ratings: readonly number[]): void {
    const m = ratings.length;
    // A unit rated once cannot be paired and carries no information about agreement.
    if (m < 2) return;
    this.pairableUnits++;
    for (let i = 0; i < m; i++) {
      let row = this.coincidences.get(ratings[i]!);
      if (!row) {
        row = new Map();
        this.coincidences.set(ratings[i]!, row);
      }
      for (let j = 0; j < m; j++) {
        if (i !== j) row.set(ratings[j]!, (row.get(ratings[j]!) ?? 0) + 1 / (m - 1));
      }
    }
  }

  alpha(options: { level: MeasurementLevel }): number {
    const values = [...this.coincidences.keys()].sort((x, y) => x - y);
    const v = values.length;
    const coincidences = values.map((c) =>
      values.map((k) => this.coincidences.get(c)?.get(k) ?? 0),
    );
    const marginals = coincidences.map((row) => row.reduce((s, x) => s + x, 0));
    const n = marginals.reduce((s, x) => s + x, 0);
    if (n === 0) {
      throw new RangeError("krippendorffAlpha: no unit was rated by at least two raters");
    }
    const delta = squaredDistance(options.level, values, marginals);
    let observed = 0;
    let expected = 0;
    for (let c = 0; c < v; c++) {
      for (let k = 0; k < v; k++) {
        const d = delta(c, k);
        observed += coincidences[c]![k]! * d;
        expected += marginals[c]! * marginals[k]! * d;
      }
    }
    if (expected === 0) {
      throw new RangeError("krippendorffAlpha: undefined when every pairable rating is the same");
    }
    return 1 - ((n - 1) * observed) / expected;
  }
}

/** Krippendorff's α (ordinal) between a jury's members over the pair's cells. */
export interface JudgeAgreement {
  alpha: number | null;
  level: "ordinal";
  /** Cells graded by at least two jurors. */
  n: number;
}
