/**
 * The reply contract between evalgate and a judge: what the judge is told to write, the JSON
 * Schema sent as structured output (OpenAI `json_schema`, a forced Bedrock tool), and the
 * corrective message after an unusable reply.
 */
import type { Evaluator } from "./evaluator-file.js";
import { judgedCriteria } from "./evaluator-file.js";
import type { ParsedJudgeReply } from "./judge-reply.js";

/** The structured-output name (the tool name on Bedrock). */
export const GRADE_TOOL_NAME = "record_grades";

function scaleText(scale: readonly number[]): string {
  const sorted = [...scale].sort((a, b) => a - b);
  return `${sorted[0]}-${sorted[sorted.length - 1]}`;
}

/** Names of the criteria the judge grades, in file order. */
export function judgedNames(evaluator: Evaluator): string[] {
  return judgedCriteria(evaluator).map((c) => c.name);
}

/** The text contract: one SCORE line per criterion (unlabelled for one), then EXPLANATION. */
export function textContract(evaluator: Evaluator): string {
  const names = judgedNames(evaluator);
  const range = scaleText(evaluator.scale);
  const lines =
    names.length === 1 ? [`SCORE: <${range}>`] : names.map((n) => `SCORE(${n}): <${range}>`);
  return `Reply with exactly these lines and nothing else:\n${lines.join("\n")}\nEXPLANATION: <one sentence>`;
}

export function structuredContract(evaluator: Evaluator): string {
  const range = scaleText(evaluator.scale);
  const scores = judgedNames(evaluator)
    .map((n) => `"${n}": <${range}>`)
    .join(", ");
  return `Reply with one JSON object and nothing else: {"explanation": "<one sentence>", "scores": {${scores}}}`;
}

export function replyContract(evaluator: Evaluator): string {
  return evaluator.output === "structured"
    ? structuredContract(evaluator)
    : textContract(evaluator);
}

/** JSON Schema of a structured reply: the explanation first, so the judge reasons before grading. */
export function gradeReplySchema(evaluator: Evaluator): Record<string, unknown> {
  const names = judgedNames(evaluator);
  const grade = { type: "integer", enum: [...evaluator.scale] };
  return {
    type: "object",
    properties: {
      explanation: { type: "string", description: "One sentence on why." },
      scores: {
        type: "object",
        properties: Object.fromEntries(names.map((n) => [n, grade])),
        required: names,
        additionalProperties: false,
      },
    },
    required: ["explanation", "scores"],
    additionalProperties: false,
  };
}

const PROBLEM: Record<NonNullable<ParsedJudgeReply["reason"]>, string> = {
  no_score: "Your reply did not contain a score line.",
  out_of_scale: "Your score is not one of the allowed scores.",
  contradictory: "Your reply gave two different scores.",
  refusal: "Your reply did not grade the response.",
};

/**
 * The follow-up sent after an unusable reply. Asking again with the judge's own reply in
 * view corrects the format without changing what was judged; re-sending the same prompt at
 * temperature 0 would mostly reproduce the same reply.
 */
export function correctiveMessage(parsed: ParsedJudgeReply, evaluator: Evaluator): string {
  let problem = PROBLEM[parsed.reason ?? "no_score"];
  if (parsed.reason === "out_of_scale") {
    problem = `Your score is not one of ${evaluator.scale.join(", ")}.`;
  }
  if (parsed.criterion !== undefined) problem = `${problem.slice(0, -1)} for ${parsed.criterion}.`;
  const again = replyContract(evaluator).replace(/^Reply with/, "Reply again with");
  return `${problem} Give exactly one score per criterion. ${again}`;
}
