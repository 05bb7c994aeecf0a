import { UserError } from "../core/errors.js";
import type { Judge, JudgeInput, JudgeOutcome } from "./judge-outcome.js";

export type DeterministicKind = "exact" | "contains" | "regex";

export interface DeterministicScorerOptions {
  kind: DeterministicKind;
  /** Recorded in JudgeScore.judge; defaults to `deterministic:<kind>`. */
  name?: string;
  /** Compare case-insensitively (exact, contains; regex gets the `i` flag). Default false. */
  ignoreCase?: boolean;
  /**
   * exact/contains: trim both sides and collapse runs of whitespace before comparing, so a
   * trailing newline from the model does not fail an otherwise exact answer. Default true.
   */
  normalizeWhitespace?: boolean;
  /** regex only: a fixed pattern to search the response for; without it the reference is the pattern. */
  pattern?: string;
}

const PASS = 4 as const;
const EXPLANATIONS: Record<DeterministicKind, [string, string]> = {
  exact: ["response equals the reference", "response does not equal the reference"],
  contains: ["response contains the reference", "response does not contain the reference"],
  regex: ["response matches the pattern", "response does not match the pattern"],
};
const FAIL = 1 as const;

function normalized(text: string, options: DeterministicScorerOptions): string {
  const spaced = options.normalizeWhitespace === false ? text : text.trim().replace(/\s+/g, " ");
  return options.ignoreCase ? spaced.toLowerCase() : spaced;
}

function compile(pattern: string, ignoreCase: boolean | undefined): RegExp {
  return new RegExp(pattern, ignoreCase ? "iu" : "u");
}

/**
 * Scores without a judge model: 4 when the response matches the reference (exactly, by
 * containing it, or by a regular expression), 1 when it does not. A missing reference or an
 * invalid reference pattern is `unscored`, never a fail or a pass.
 */
export function createDeterministicScorer(options: DeterministicScorerOptions): Judge {
  const name = options.name ?? `deterministic:${options.kind}`;
  let fixed: RegExp | undefined;
  if (options.pattern !== undefined) {
    if (options.kind !== "regex") {
      throw new UserError(`"pattern" only applies to the regex scorer, not "${options.kind}"`);
    }
    try {
      fixed = compile(options.pattern, options.ignoreCase);
    } catch (err) {
      throw new UserError(
        `invalid regex pattern ${JSON.stringify(options.pattern)}: ${(err as Error).message}`,
      );
    }
  }

  function matches(input: JudgeInput, reference: string): boolean | "invalid" {
    if (options.kind === "exact")
      return normalized(input.response, options) === normalized(reference, options);
    if (options.kind === "contains") {
      return normalized(input.response, options).includes(normalized(reference, options));
    }
    let pattern = fixed;
    if (pattern === undefined) {
      try {
        pattern = compile(reference, options.ignoreCase);
      } catch {
        return "invalid";
      }
    }
    return pattern.test(input.response);
  }

  async function judge(input: JudgeInput): Promise<JudgeOutcome> {
    const reference = input.reference;
    if (fixed === undefined && (reference === undefined || reference === "")) {
      return {
        kind: "unscored",
        reason: "no_reference",
        rawReply: "",
        usage: undefined,
        attempts: 0,
      };
    }
    const result = matches(input, reference ?? "");
    if (result === "invalid") {
      return {
        kind: "unscored",
        reason: "invalid_reference_pattern",
        rawReply: "",
        usage: undefined,
        attempts: 0,
      };
    }
    const [yes, no] = EXPLANATIONS[options.kind];
    return {
      kind: "scored",
      score: {
        score: result ? PASS : FAIL,
        explanation: result ? yes : no,
        judge: name,
      },
      usage: undefined,
      attempts: 0,
    };
  }

  return { name, judge };
}
