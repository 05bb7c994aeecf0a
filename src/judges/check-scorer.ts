import { z } from "zod";
import type { EvaluatorCheck } from "../config/index.js";
import { UserError } from "../core/errors.js";
import { checkCode, firstFencedBlock } from "./code-check.js";
import { createDeterministicScorer } from "./deterministic-scorer.js";
import type { JudgeInput } from "./judge-outcome.js";

/**
 * The deterministic checks an evaluator's criteria can name. Each gives 4 when it holds and
 * 1 when it does not; `skipped` when it cannot apply to this response (a code check in a
 * language evalgate has no parser for), which leaves the criterion out of the combination;
 * `unscored` when the example lacks what the check needs (a reference).
 */
export type CheckResult =
  | { kind: "graded"; grade: 1 | 4; explanation: string }
  | { kind: "skipped"; explanation: string }
  | { kind: "unscored"; reason: "no_reference" | "invalid_reference_pattern" };

export type CheckScorer = (input: JudgeInput) => Promise<CheckResult>;

function jsonBody(response: string): string {
  const block = firstFencedBlock(response);
  return block && (block.info === "json" || block.info === "") ? block.code : response.trim();
}

/** Compile a check once, when the evaluator loads; a bad pattern or schema is a UserError. */
export function createCheckScorer(check: EvaluatorCheck): CheckScorer {
  if (check.kind === "json_schema") {
    let schema: z.ZodType;
    try {
      schema = z.fromJSONSchema(check.schema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (err) {
      throw new UserError(
        `check.schema is not a JSON Schema evalgate can use: ${(err as Error).message}`,
      );
    }
    return async (input) => {
      let value: unknown;
      try {
        value = JSON.parse(jsonBody(input.response));
      } catch {
        return { kind: "graded", grade: 1, explanation: "response is not valid JSON" };
      }
      const result = schema.safeParse(value);
      if (result.success) {
        return { kind: "graded", grade: 4, explanation: "response is valid JSON for the schema" };
      }
      const first = result.error.issues[0]!;
      const at = first.path.length > 0 ? ` at ${first.path.join(".")}` : "";
      return {
        kind: "graded",
        grade: 1,
        explanation: `response JSON does not fit the schema${at}: ${first.message}`,
      };
    };
  }
  if (check.kind === "code_check") {
    return async (input) => {
      const result = checkCode(input.response, check.language);
      switch (result.kind) {
        case "parses":
          return { kind: "graded", grade: 4, explanation: `code parses as ${result.language}` };
        case "syntax_error":
          return {
            kind: "graded",
            grade: 1,
            explanation: `code does not parse as ${result.language} (syntax error on line ${result.line} of the block)`,
          };
        case "no_code_block":
          return { kind: "graded", grade: 1, explanation: "response has no fenced code block" };
        case "no_parser":
          return { kind: "skipped", explanation: `no parser for ${result.language}` };
      }
    };
  }
  const scorer = createDeterministicScorer(
    check.kind === "regex"
      ? {
          kind: "regex",
          ignoreCase: check.ignore_case,
          ...(check.pattern !== undefined ? { pattern: check.pattern } : {}),
        }
      : {
          kind: check.kind,
          ignoreCase: check.ignore_case,
          normalizeWhitespace: check.normalize_whitespace,
        },
  );
  const fixedValue = check.kind === "contains" ? check.value : undefined;
  return async (input) => {
    const outcome = await scorer.judge(
      fixedValue === undefined ? input : { ...input, reference: fixedValue },
    );
    if (outcome.kind === "scored") {
      return {
        kind: "graded",
        grade: outcome.score.score === 4 ? 4 : 1,
        explanation: outcome.score.explanation,
      };
    }
    return {
      kind: "unscored",
      reason:
        outcome.kind === "unscored" && outcome.reason === "invalid_reference_pattern"
          ? "invalid_reference_pattern"
          : "no_reference",
    };
  };
}
