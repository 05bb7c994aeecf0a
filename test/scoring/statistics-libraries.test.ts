/**
 * The statistics against the libraries people already trust. Reference values come from
 * scripts/make-statistics-fixtures.py (scikit-learn 1.2.1, statsmodels 0.13.5, numpy 1.24.2,
 * Debian 12 packages); each fixture file records the exact call. The tests never run Python.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  clusteredStandardError,
  cohenKappa,
  fleissKappa,
  type KappaWeights,
  mcnemarExactPValue,
  wilsonInterval,
} from "../../src/scoring/index.js";

function fixture<T>(name: string): T[] {
  const file = join(import.meta.dirname, "..", "fixtures", "statistics", `${name}.json`);
  return (JSON.parse(readFileSync(file, "utf8")) as { cases: T[] }).cases;
}

describe("wilsonInterval = statsmodels proportion_confint(method='wilson')", () => {
  const cases = fixture<{
    successes: number;
    n: number;
    confidence: number;
    low: number;
    high: number;
  }>("wilson");
  it.each(cases)("$successes of $n at $confidence", ({ successes, n, confidence, low, high }) => {
    const interval = wilsonInterval(successes, n, confidence);
    expect(interval.low).toBeCloseTo(low, 13);
    expect(interval.high).toBeCloseTo(high, 13);
  });

  it("defaults to 95% and has exact ends at 0% and 100%", () => {
    expect(wilsonInterval(8, 10)).toEqual(wilsonInterval(8, 10, 0.95));
    expect(wilsonInterval(0, 5).low).toBe(0);
    expect(wilsonInterval(25, 25).high).toBe(1);
  });

  it("refuses impossible counts and confidences", () => {
    expect(() => wilsonInterval(6, 5)).toThrow("successes must be between 0 and n (5), got 6");
    expect(() => wilsonInterval(1, 5, 1)).toThrow("confidence must be between 0 and 1");
  });
});

describe("cohenKappa = scikit-learn cohen_kappa_score", () => {
  const cases = fixture<{
    name: string;
    a: number[];
    b: number[];
    labels: number[] | null;
    weights: KappaWeights;
    kappa: number;
  }>("cohen-kappa");
  it.each(cases)("$name, weights $weights", ({ a, b, labels, weights, kappa }) => {
    const options = labels ? { weights, labels } : { weights };
    expect(cohenKappa(a, b, options)).toBeCloseTo(kappa, 13);
  });

  it("matches the R irr values statsmodels' tests quote (anxiety raters 2 and 3)", () => {
    // statsmodels/stats/tests/test_inter_rater.py, test_cohens_kappa_irr: kappa2(anxiety[,2:3])
    // = -0.006289308 unweighted, 0.1459075 "equal" (linear), 0.2520325 "squared" (quadratic).
    const anxiety = cases.find((c) => c.name.startsWith("anxiety raters 2 and 3"))!;
    expect(cohenKappa(anxiety.a, anxiety.b, { weights: "none" }).toFixed(9)).toBe("-0.006289308");
    expect(cohenKappa(anxiety.a, anxiety.b, { weights: "linear" }).toFixed(7)).toBe("0.1459075");
    expect(cohenKappa(anxiety.a, anxiety.b, { weights: "quadratic" }).toFixed(7)).toBe("0.2520325");
  });

  it("takes string labels and names a label missing from `labels`", () => {
    expect(
      cohenKappa(["pass", "fail", "pass"], ["pass", "fail", "fail"], { weights: "none" }),
    ).toBeCloseTo(0.4, 12);
    expect(() => cohenKappa([1, 5], [1, 2], { weights: "linear", labels: [1, 2, 3, 4] })).toThrow(
      "item 1 has label 5, which is not in labels",
    );
    expect(() => cohenKappa([1], [1, 2], { weights: "none" })).toThrow("rated 1 and 2 items");
  });
});

describe("fleissKappa", () => {
  const cases = fixture<{ name: string; counts: number[][]; kappa: number }>("fleiss-kappa");
  it.each(cases)("$name = statsmodels fleiss_kappa", ({ counts, kappa }) => {
    expect(fleissKappa(counts)).toBeCloseTo(kappa, 13);
  });

  it("reproduces the printed values", () => {
    // Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological
    // Bulletin 76(5):378–382: 30 patients, 6 psychiatrists, 5 diagnoses, κ = .430.
    expect(fleissKappa(cases[0]!.counts).toFixed(3)).toBe("0.430");
    // Wikipedia, "Fleiss' kappa", worked example (10 subjects, 14 raters): κ = 0.210.
    expect(fleissKappa(cases[1]!.counts).toFixed(3)).toBe("0.210");
  });

  it("refuses subjects with different numbers of ratings", () => {
    expect(() =>
      fleissKappa([
        [2, 1],
        [1, 1],
      ]),
    ).toThrow("subject 1 has 2 ratings, subject 0 has 3");
  });
});

describe("clusteredStandardError = statsmodels OLS cov_type='cluster'", () => {
  const cases = fixture<{
    name: string;
    values: number[];
    clusters: (string | number)[];
    standardError: number;
    standardErrorCorrected: number;
  }>("clustered-standard-error");
  it.each(cases)("$name", ({ values, clusters, standardError, standardErrorCorrected }) => {
    // statsmodels with use_correction=False is the uncorrected sandwich Miller (2024) gives.
    expect(clusteredStandardError(values, clusters)).toBeCloseTo(standardError, 14);
    // Its default multiplies the variance by G/(G−1) ((N−1)/(N−K) is 1 for a mean).
    expect(clusteredStandardError(values, clusters, { finiteClusterCorrection: true })).toBeCloseTo(
      standardErrorCorrected,
      14,
    );
  });

  it("identical repeats give the one-repeat standard error", () => {
    const identical = cases.find((c) => c.name.startsWith("identical"))!;
    const single = cases.find((c) => c.name === "singletons")!;
    expect(clusteredStandardError(identical.values, identical.clusters)).toBeCloseTo(
      clusteredStandardError(single.values, single.clusters),
      15,
    );
  });

  it("refuses mismatched lengths", () => {
    expect(() => clusteredStandardError([1, 0], ["a"])).toThrow("2 values but 1 cluster labels");
  });
});

describe("mcnemarExactPValue = statsmodels mcnemar(exact=True)", () => {
  const cases = fixture<{ table: [number, number, number, number]; pValue: number }>(
    "mcnemar-exact",
  );
  it.each(cases)("table $table", ({ table, pValue }) => {
    expect(mcnemarExactPValue(table[1], table[2])).toBeCloseTo(pValue, 14);
  });
});
