import type { EvaluatorCombine } from "../config/index.js";

/**
 * How criterion grades make a cell's score, and how a jury's scores make one: pure functions
 * so the runner, reports and calibration all compute them the same way.
 */

/** The cell's score from its criteria's grades (every criterion present). */
export function combineCriteria(
  grades: Readonly<Record<string, number>>,
  combine: EvaluatorCombine,
): number {
  const names = Object.keys(grades);
  if (names.length === 0) throw new Error("combineCriteria needs at least one grade");
  if (combine === "min") return Math.min(...names.map((n) => grades[n]!));
  if (combine === "mean") return names.reduce((sum, n) => sum + grades[n]!, 0) / names.length;
  if ("criterion" in combine) {
    const grade = grades[combine.criterion];
    if (grade === undefined) throw new Error(`no grade for criterion "${combine.criterion}"`);
    return grade;
  }
  let total = 0;
  let weights = 0;
  for (const name of names) {
    const weight = combine.weighted[name] ?? 0;
    total += weight * grades[name]!;
    weights += weight;
  }
  return weights > 0 ? total / weights : Math.min(...names.map((n) => grades[n]!));
}

export type JuryAggregation = "median" | "mean" | "majority";

/** A score of 3 or more passes. */
export const PASS_GRADE = 3;

export interface JuryVerdict {
  score: number;
  /** Judges whose pass/fail decision differs from the jury's. */
  dissenters: number;
}

/**
 * A jury's score from its members' scores. `majority` votes on the pass decision (≥ 3); its
 * score is the median of the majority side, so it stays on the side the vote chose. A tie
 * fails: a jury that cannot agree on a pass has not given one.
 */
export function aggregateJury(
  scores: readonly number[],
  aggregation: JuryAggregation,
): JuryVerdict {
  if (scores.length === 0) throw new Error("aggregateJury needs at least one score");
  let score: number;
  if (aggregation === "mean") {
    score = scores.reduce((a, b) => a + b, 0) / scores.length;
  } else if (aggregation === "median") {
    score = median(scores);
  } else {
    const passing = scores.filter((s) => s >= PASS_GRADE);
    const failing = scores.filter((s) => s < PASS_GRADE);
    score = median(passing.length > failing.length ? passing : failing);
  }
  const passed = score >= PASS_GRADE;
  return { score, dissenters: scores.filter((s) => s >= PASS_GRADE !== passed).length };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
