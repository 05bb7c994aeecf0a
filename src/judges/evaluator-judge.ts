import type { ModelClient, ModelParams } from "../core/types.js";
import { type CheckScorer, createCheckScorer } from "./check-scorer.js";
import { combineCriteria } from "./combine-scores.js";
import { type Evaluator, judgedCriteria, SINGLE_CRITERION } from "./evaluator-file.js";
import type { Judge, JudgeInput, JudgeOutcome } from "./judge-outcome.js";
import { createRubricJudge } from "./rubric-judge.js";

export interface EvaluatorJudgeOptions {
  evaluator: Evaluator;
  /** The judge model for the judged criteria; needed when the evaluator has any. */
  model?: { client: ModelClient; judgeName: string; endpoint?: string; params?: ModelParams };
}

/**
 * Scores a response with everything its evaluator asks: the deterministic checks first (no
 * calls), then the judge model on the judged criteria, combined by the evaluator's rule. When
 * the rule is `min` and a check already gives 1, the judge is not called: its grade could not
 * change the score.
 */
export function createEvaluatorJudge(options: EvaluatorJudgeOptions): Judge {
  const { evaluator } = options;
  const checks: [string, CheckScorer][] = evaluator.criteria
    .filter((c) => c.check !== undefined)
    .map((c) => [c.name, createCheckScorer(c.check!)]);
  const judged = judgedCriteria(evaluator).length > 0;
  if (judged && options.model === undefined) {
    throw new Error(`evaluator "${evaluator.name}" has judged criteria but no judge model`);
  }
  const rubric =
    judged && options.model ? createRubricJudge({ evaluator, ...options.model }) : undefined;
  if (rubric && checks.length === 0) return rubric;
  const name = rubric?.name ?? `check:${checks.map(([n]) => n).join("+")}`;

  async function judge(input: JudgeInput): Promise<JudgeOutcome> {
    const grades: Record<string, number> = {};
    const notes: string[] = [];
    for (const [criterion, check] of checks) {
      const result = await check(input);
      if (result.kind === "unscored") {
        return {
          kind: "unscored",
          reason: result.reason,
          rawReply: "",
          usage: undefined,
          attempts: 0,
        };
      }
      notes.push(`${criterion}: ${result.explanation}`);
      if (result.kind === "graded") grades[criterion] = result.grade;
    }
    const checkFailed = Object.values(grades).some((g) => g === 1);
    let usage: JudgeOutcome["usage"];
    let attempts = 0;
    let explanation = "";
    let expected: number | undefined;
    if (rubric && !(evaluator.combine === "min" && checkFailed)) {
      const outcome = await rubric.judge(input);
      if (outcome.kind !== "scored") return outcome;
      ({ usage, attempts } = outcome);
      explanation = outcome.score.explanation;
      expected = outcome.score.expectedScore;
      Object.assign(grades, outcome.score.criteria ?? { [SINGLE_CRITERION]: outcome.score.score });
    }
    const combine = evaluator.combine;
    if (typeof combine === "object" && "criterion" in combine && !(combine.criterion in grades)) {
      return {
        kind: "unscored",
        reason: "not_applicable",
        rawReply: notes.join("\n"),
        usage,
        attempts,
      };
    }
    if (Object.keys(grades).length === 0) {
      return {
        kind: "unscored",
        reason: "not_applicable",
        rawReply: notes.join("\n"),
        usage,
        attempts,
      };
    }
    const score = combineCriteria(grades, combine);
    const outcome: JudgeOutcome = {
      kind: "scored",
      score: {
        score,
        explanation: [explanation, ...notes].filter((t) => t !== "").join("\n"),
        judge: name,
        criteria: grades,
      },
      usage,
      attempts,
    };
    if (expected !== undefined) outcome.score.expectedScore = expected;
    return outcome;
  }

  return rubric?.endpoint === undefined
    ? { name, judge }
    : { name, endpoint: rubric.endpoint, judge };
}
