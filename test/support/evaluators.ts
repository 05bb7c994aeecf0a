import type { Evaluator } from "../../src/judges/index.js";

/** An evaluator in the original format (hand-written judge_prompt, text contract), for tests. */
export function handWrittenEvaluator(judgePrompt: { system: string; user: string }): Evaluator {
  return {
    name: "correctness",
    description: "test rubric",
    scale: [1, 2, 3, 4],
    judgePrompt,
    instructions: undefined,
    criteria: [{ name: "score", description: undefined, levels: undefined, check: undefined }],
    combine: "min",
    showReference: true,
    judge: undefined,
    jury: undefined,
    temperature: undefined,
    output: "text",
    maxReasks: 2,
    logprobs: false,
    file: "correctness.yaml",
    positionOf: () => ({ file: "correctness.yaml" }),
  };
}
