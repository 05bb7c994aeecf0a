/**
 * Worked examples printed in the papers, reproduced to the printed digit.
 */
import { describe, expect, it } from "vitest";
import { krippendorffAlpha, pairedDifference } from "../../src/scoring/index.js";

describe("krippendorffAlpha: Krippendorff (2011), Computing Krippendorff's Alpha-Reliability", () => {
  it("A. binary data, two observers, no missing data: α = 0.095", () => {
    const data = [
      [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
      [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    ];
    expect(krippendorffAlpha(data, { level: "nominal" }).toFixed(3)).toBe("0.095");
  });

  it("B. nominal data, two observers, no missing data: α = 0.692", () => {
    // Values a–e coded 1–5; nominal α ignores the coding.
    const ben = [1, 1, 2, 2, 4, 3, 3, 3, 5, 4, 4, 1];
    const gerry = [2, 1, 2, 2, 2, 3, 3, 3, 5, 4, 4, 4];
    expect(krippendorffAlpha([ben, gerry], { level: "nominal" }).toFixed(3)).toBe("0.692");
  });

  // C. 4 observers × 12 units with missing data, then the same data under the other metrics.
  const observers = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  ];
  it.each([
    ["nominal", "0.743"],
    ["ordinal", "0.815"],
    ["interval", "0.849"],
    ["ratio", "0.797"],
  ] as const)("C. any number of observers, missing data, %s: α = %s", (level, printed) => {
    expect(krippendorffAlpha(observers, { level }).toFixed(3)).toBe(printed);
  });

  it("Wikipedia's worked example (3 coders, 15 units): nominal 0.691, interval 0.811", () => {
    // Wikipedia, "Krippendorff's alpha", a computational example; the krippendorff Python
    // package's tests hold it to 0.691358 and 0.810845.
    const n = null;
    const data = [
      [n, n, n, n, n, 3, 4, 1, 2, 1, 1, 3, 3, n, 3],
      [1, n, 2, 1, 3, 3, 4, 3, n, n, n, n, n, n, n],
      [n, n, 2, 1, 3, 4, 4, n, 2, 1, 1, 3, 3, n, 4],
    ];
    expect(krippendorffAlpha(data, { level: "nominal" }).toFixed(6)).toBe("0.691358");
    expect(krippendorffAlpha(data, { level: "interval" }).toFixed(6)).toBe("0.810845");
  });

  it("is 1 for perfect agreement and refuses data with nothing to pair", () => {
    expect(
      krippendorffAlpha(
        [
          [1, 2, 3],
          [1, 2, 3],
        ],
        { level: "ordinal" },
      ),
    ).toBe(1);
    expect(() =>
      krippendorffAlpha(
        [
          [1, null],
          [null, 2],
        ],
        { level: "nominal" },
      ),
    ).toThrow("no unit was rated by at least two raters");
    expect(() => krippendorffAlpha([[1, 2], [1]], { level: "nominal" })).toThrow(
      "rater 1 rated 1 units, rater 0 2",
    );
  });
});

/** Paired 0/1 results from a 2×2 table: both pass, only a, only b, neither. */
function pairs(both: number, onlyA: number, onlyB: number, neither: number) {
  const a: (0 | 1)[] = [];
  const b: (0 | 1)[] = [];
  const add = (count: number, x: 0 | 1, y: 0 | 1) => {
    for (let i = 0; i < count; i++) {
      a.push(x);
      b.push(y);
    }
  };
  add(both, 1, 1);
  add(onlyA, 1, 0);
  add(onlyB, 0, 1);
  add(neither, 0, 0);
  return { a, b };
}

describe("pairedDifference: Newcombe (1998) method 10 and the exact McNemar test", () => {
  it("Newcombe 1998's worked example (20, 12, 2, 16): 0.2000, 0.0562 to 0.3292", () => {
    // Newcombe, Stat Med 17:2635–2650, the paired example with n = 50, method 10 (also
    // checked in the R package ratesci, tests/testthat/test3.R).
    const { a, b } = pairs(20, 12, 2, 16);
    const r = pairedDifference(a, b, { confidence: 0.95 });
    expect(r.difference.toFixed(4)).toBe("0.2000");
    expect([r.low.toFixed(4), r.high.toFixed(4)]).toEqual(["0.0562", "0.3292"]);
    // 12 vs 2 discordant pairs: 2 · P(Bin(14, ½) ≤ 2) = 212/16384.
    expect(r.pValue).toBe(212 / 16384);
  });

  it("Fagerland, Lydersen & Laake (2014), Bentur et al. data (1, 1, 7, 12): −0.507 to −0.026, exact p = 0.070", () => {
    // Stat Methods Med Res 24:224–254, Table 7 (Newcombe square-and-add with φ correction);
    // the exact conditional McNemar p-value from Fagerland et al. (2013), BMC Med Res
    // Methodol 13:91, Table 2.
    const { a, b } = pairs(1, 1, 7, 12);
    const r = pairedDifference(a, b, { confidence: 0.95 });
    expect([r.low.toFixed(3), r.high.toFixed(3)]).toEqual(["-0.507", "-0.026"]);
    expect(r.pValue.toFixed(3)).toBe("0.070");
  });

  it("Tang, Ling & Tian (2010) example (8, 3, 1, 2): −0.1574 to 0.4136", () => {
    const { a, b } = pairs(8, 3, 1, 2);
    const r = pairedDifference(a, b, { confidence: 0.95 });
    expect([r.low.toFixed(4), r.high.toFixed(4)]).toEqual(["-0.1574", "0.4136"]);
  });

  it("Chang (2024) example (7, 25, 2, 68): 0.133 to 0.318", () => {
    const { a, b } = pairs(7, 25, 2, 68);
    const r = pairedDifference(a, b, { confidence: 0.95 });
    expect([r.low.toFixed(3), r.high.toFixed(3)]).toEqual(["0.133", "0.318"]);
  });

  it("swapping the runs mirrors the interval; identical runs give p = 1", () => {
    const { a, b } = pairs(20, 12, 2, 16);
    const forward = pairedDifference(a, b, { confidence: 0.9 });
    const backward = pairedDifference(b, a, { confidence: 0.9 });
    expect(backward.low).toBeCloseTo(-forward.high, 15);
    expect(backward.high).toBeCloseTo(-forward.low, 15);
    expect(pairedDifference([1, 0, 1], [1, 0, 1], { confidence: 0.95 }).pValue).toBe(1);
    expect(() => pairedDifference([1, 2 as 1], [1, 1], { confidence: 0.95 })).toThrow(
      "pair 1 is (2, 1); results must be 0 or 1",
    );
  });
});
