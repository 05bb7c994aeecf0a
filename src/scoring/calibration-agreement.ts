/**
 * Judge–human agreement for `evalgate calibrate` (docs/calibration.md). The judge is compared
 * with every rater: each (response, rater) grade is one pair, pooled over raters, so two
 * raters who disagree both count and no "consensus" grade has to be invented. The judge's
 * score is rounded to the nearest grade (half up) first, since a jury's mean or a criteria
 * mean may fall between grades.
 */
import { krippendorffAlpha } from "./krippendorff-alpha.js";
import { cohenKappa } from "./rater-agreement.js";

const GRADES = [1, 2, 3, 4] as const;

export interface CalibrationRow {
  /** The judge's score, or null when the judge gave none (unscored or failed). */
  judge: number | null;
  /** Grade per rater (same order as `raters`), null when that rater did not rate it. */
  ratings: readonly (number | null)[];
}

export interface HumanAgreement {
  /** Krippendorff's α (ordinal) across all raters. */
  ordinalAlpha: number | null;
  /** Quadratic-weighted κ for each pair of raters, on the responses both rated. */
  pairwise: { raters: [string, string]; quadraticKappa: number | null; n: number }[];
}

export interface CalibrationAgreement {
  /** Responses the judge scored / could not score. */
  judged: number;
  unjudged: number;
  /** (response, rater) pairs compared. */
  pairs: number;
  quadraticKappa: number | null;
  ordinalAlpha: number | null;
  /** Cohen's κ on the pass decision (grade ≥ 3). */
  passKappa: number | null;
  /** Share of pairs with the same grade / grades at most one apart. */
  exact: number | null;
  withinOne: number | null;
  /** confusion[h-1][j-1]: pairs where the human gave h and the judge j. */
  confusion: number[][];
  /** Between raters, when there are two or more. */
  humans: HumanAgreement | null;
}

/** κ or α, or null where the statistic is undefined (e.g. everyone used one grade). */
function defined(compute: () => number): number | null {
  try {
    const value = compute();
    return Number.isFinite(value) ? value : null;
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

export function roundGrade(score: number): number {
  return Math.min(4, Math.max(1, Math.floor(score + 0.5)));
}

export function calibrationAgreement(
  rows: readonly CalibrationRow[],
  raters: readonly string[],
): CalibrationAgreement {
  const judgeGrades: number[] = [];
  const humanGrades: number[] = [];
  const confusion = GRADES.map(() => GRADES.map(() => 0));
  let judged = 0;
  for (const row of rows) {
    if (row.judge === null) continue;
    judged++;
    const j = roundGrade(row.judge);
    for (const h of row.ratings) {
      if (h === null) continue;
      judgeGrades.push(j);
      humanGrades.push(h);
      confusion[h - 1]![j - 1]!++;
    }
  }
  const pairs = judgeGrades.length;
  const pass = (g: number) => (g >= 3 ? 1 : 0);
  const agreement: CalibrationAgreement = {
    judged,
    unjudged: rows.length - judged,
    pairs,
    quadraticKappa: null,
    ordinalAlpha: null,
    passKappa: null,
    exact: null,
    withinOne: null,
    confusion,
    humans: raters.length >= 2 ? humanAgreement(rows, raters) : null,
  };
  if (pairs === 0) return agreement;
  agreement.quadraticKappa = defined(() =>
    cohenKappa(humanGrades, judgeGrades, { weights: "quadratic", labels: GRADES }),
  );
  agreement.ordinalAlpha = defined(() =>
    krippendorffAlpha([humanGrades, judgeGrades], { level: "ordinal" }),
  );
  agreement.passKappa = defined(() =>
    cohenKappa(humanGrades.map(pass), judgeGrades.map(pass), { weights: "none", labels: [0, 1] }),
  );
  agreement.exact = humanGrades.filter((h, i) => h === judgeGrades[i]).length / pairs;
  agreement.withinOne =
    humanGrades.filter((h, i) => Math.abs(h - judgeGrades[i]!) <= 1).length / pairs;
  return agreement;
}

function humanAgreement(
  rows: readonly CalibrationRow[],
  raters: readonly string[],
): HumanAgreement {
  const byRater = raters.map((_, r) => rows.map((row) => row.ratings[r] ?? null));
  const pairwise: HumanAgreement["pairwise"] = [];
  for (let a = 0; a < raters.length; a++) {
    for (let b = a + 1; b < raters.length; b++) {
      const both = rows.filter((row) => row.ratings[a] != null && row.ratings[b] != null);
      pairwise.push({
        raters: [raters[a]!, raters[b]!],
        n: both.length,
        quadraticKappa:
          both.length === 0
            ? null
            : defined(() =>
                cohenKappa(
                  both.map((row) => row.ratings[a]!),
                  both.map((row) => row.ratings[b]!),
                  { weights: "quadratic", labels: GRADES },
                ),
              ),
      });
    }
  }
  return {
    ordinalAlpha: defined(() => krippendorffAlpha(byRater, { level: "ordinal" })),
    pairwise,
  };
}
