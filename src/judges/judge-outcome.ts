import type { CellIdentity, ErrorClass, JudgeScore, TokenUsage } from "../core/types.js";
import type { UnscoredReason } from "./judge-reply.js";

/** What a judge is asked to score: one response of the model under test. */
export interface JudgeInput {
  /** The rendered user message the model under test received. */
  input: string;
  /** The model's reply. */
  response: string;
  reference: string | undefined;
  feature: string;
  /** Passed through to the judge's ModelRequest (logs, simulator determinism). */
  cell?: CellIdentity;
  signal?: AbortSignal;
}

/** Deterministic scorers add reasons of their own to the parse policy's. */
export type UnscoredWhy =
  | UnscoredReason
  | "no_reference"
  | "invalid_reference_pattern"
  /** No criterion applied to the response (e.g. only a code check, in a language without a parser). */
  | "not_applicable";

export type JudgeOutcome =
  | {
      kind: "scored";
      score: JudgeScore;
      /** Summed over every judge call for this response; undefined when none reported usage. */
      usage: TokenUsage | undefined;
      /** Judge calls made (0 for deterministic scorers). */
      attempts: number;
    }
  | {
      kind: "unscored";
      reason: UnscoredWhy;
      /** The judge's last reply, verbatim (goes only to the run folder). */
      rawReply: string;
      usage: TokenUsage | undefined;
      attempts: number;
    }
  | {
      kind: "error";
      /** The judge call failed; the runner (the one retry layer) decides whether to retry. */
      errorClass: ErrorClass;
      message: string;
      retryAfterMs?: number;
      usage: TokenUsage | undefined;
      attempts: number;
    };

/** Anything that scores responses: a rubric judge over a model, or a deterministic scorer. */
export interface Judge {
  /** Recorded in JudgeScore.judge. */
  readonly name: string;
  /** Where the judge model is reached (named when a judge call fails); none for checks. */
  readonly endpoint?: string;
  judge(input: JudgeInput): Promise<JudgeOutcome>;
}

/** `judge "gpt-4o-judge" (https://…/v1)`: which judge, and where it is reached. */
export function judgeLabel(judge: { readonly name: string; readonly endpoint?: string }): string {
  return judge.endpoint === undefined
    ? `judge "${judge.name}"`
    : `judge "${judge.name}" (${judge.endpoint})`;
}

export function addUsage(
  total: TokenUsage | undefined,
  more: TokenUsage | undefined,
): TokenUsage | undefined {
  if (more === undefined) return total;
  if (total === undefined) return { ...more };
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
  };
}
