import type {
  ChatMessage,
  ModelClient,
  ModelParams,
  ModelRequest,
  ModelResponse,
  TokenUsage,
} from "../core/types.js";
import { combineCriteria } from "./combine-scores.js";
import type { Evaluator } from "./evaluator-file.js";
import { expectedScore } from "./expected-score.js";
import {
  correctiveMessage,
  GRADE_TOOL_NAME,
  gradeReplySchema,
  judgedNames,
} from "./judge-contract.js";
import { addUsage, type Judge, type JudgeInput, type JudgeOutcome } from "./judge-outcome.js";
import { renderJudgePrompt } from "./judge-prompt.js";
import { parseCriteriaReply } from "./judge-reply.js";

export interface RubricJudgeOptions {
  evaluator: Evaluator;
  client: ModelClient;
  /** Recorded in each JudgeScore (usually the judge model's catalog name). */
  judgeName: string;
  /** Where the judge model is reached, named when its call fails. */
  endpoint?: string;
  /** Extra asks after an unusable reply; 0 disables re-asking. Default: the evaluator's max_reasks. */
  maxParseRetries?: number;
  /** Request parameters for the judge model (temperature 0 is usual); the evaluator's temperature wins. */
  params?: ModelParams;
}

const TOP_LOGPROBS = 5;

async function callJudge(client: ModelClient, request: ModelRequest): Promise<ModelResponse> {
  try {
    return await client.complete(request);
  } catch (err) {
    // ModelClient promises never to throw; if one does, the cell still gets a terminal record.
    return {
      ok: false,
      errorClass: "server",
      message: `judge client failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
      latencyMs: 0,
      requestId: undefined,
    };
  }
}

/**
 * A judge that asks a model to grade each response on the evaluator's judged criteria. It
 * re-asks only when a reply has no usable grade (missing, out of range, contradictory); a
 * failed call is returned as `error` at once, because transport retries belong to the runner.
 * A refusal is not re-asked.
 */
export function createRubricJudge(options: RubricJudgeOptions): Judge {
  const { evaluator, client, judgeName } = options;
  const maxParseRetries = Math.max(0, options.maxParseRetries ?? evaluator.maxReasks);
  const params: ModelParams = { ...options.params };
  if (evaluator.temperature !== undefined) params.temperature = evaluator.temperature;
  const criteria = judgedNames(evaluator);
  const schema = gradeReplySchema(evaluator);

  function request(messages: ChatMessage[], input: JudgeInput): ModelRequest {
    const built: ModelRequest = { messages, params, cell: input.cell, signal: input.signal };
    if (evaluator.output === "structured") {
      built.responseFormat = { type: "json_schema", name: GRADE_TOOL_NAME, schema };
    }
    if (evaluator.logprobs) built.logprobs = { topLogprobs: TOP_LOGPROBS };
    return built;
  }

  async function judge(input: JudgeInput): Promise<JudgeOutcome> {
    const prompt = renderJudgePrompt(evaluator, input);
    let messages: ChatMessage[] = prompt;
    let usage: TokenUsage | undefined;
    let attempts = 0;
    for (;;) {
      attempts++;
      const reply = await callJudge(client, request(messages, input));
      if (!reply.ok) {
        return {
          kind: "error",
          errorClass: reply.errorClass,
          message: reply.message,
          retryAfterMs: reply.retryAfterMs,
          usage,
          attempts,
        };
      }
      usage = addUsage(usage, reply.usage);
      const parsed = parseCriteriaReply(reply.text, criteria, evaluator.scale);
      if (parsed.score !== null) {
        const score = combineCriteria(parsed.scores, evaluator.combine);
        const outcome: JudgeOutcome = {
          kind: "scored",
          score: { score, explanation: parsed.explanation, judge: judgeName },
          usage,
          attempts,
        };
        if (evaluator.criteria.length > 1 || evaluator.judgePrompt === undefined) {
          outcome.score.criteria = { ...parsed.scores };
        }
        if (evaluator.logprobs && criteria.length === 1) {
          const expected = expectedScore(reply.logprobs, parsed.score, evaluator.scale);
          if (expected !== undefined) outcome.score.expectedScore = expected;
        }
        return outcome;
      }
      if (parsed.reason === "refusal" || attempts > maxParseRetries) {
        return {
          kind: "unscored",
          reason: parsed.reason ?? "no_score",
          rawReply: reply.text,
          usage,
          attempts,
        };
      }
      // Only the latest exchange is kept: the judge sees its last reply and the correction.
      messages = [
        ...prompt,
        { role: "assistant", content: reply.text },
        { role: "user", content: correctiveMessage(parsed, evaluator) },
      ];
    }
  }

  return options.endpoint === undefined
    ? { name: judgeName, judge }
    : { name: judgeName, endpoint: options.endpoint, judge };
}
