import type {
  ChatMessage,
  ModelClient,
  ModelParams,
  ModelResponse,
  TokenUsage,
} from "../core/types.js";
import type { Evaluator } from "./evaluator-file.js";
import { addUsage, type Judge, type JudgeInput, type JudgeOutcome } from "./judge-outcome.js";
import { renderJudgePrompt } from "./judge-prompt.js";
import { type ParsedJudgeReply, parseJudgeReply } from "./judge-reply.js";

export interface RubricJudgeOptions {
  evaluator: Evaluator;
  client: ModelClient;
  /** Recorded in each JudgeScore (usually the judge model's catalog name). */
  judgeName: string;
  /** Extra asks after an unparseable reply; 0 disables re-asking. */
  maxParseRetries?: number;
  /** Request parameters for the judge model (temperature 0 is usual). */
  params?: ModelParams;
}

function scaleText(scale: readonly number[]): string {
  const sorted = [...scale].sort((a, b) => a - b);
  return `${sorted[0]}-${sorted[sorted.length - 1]}`;
}

/**
 * The follow-up sent after an unparseable reply. Asking again with the judge's own reply in
 * view corrects the format without changing what was judged; re-sending the same prompt at
 * temperature 0 would mostly reproduce the same reply.
 */
export function correctiveMessage(parsed: ParsedJudgeReply, scale: readonly number[]): string {
  const problem =
    parsed.reason === "out_of_scale"
      ? `Your score is not one of ${scale.join(", ")}.`
      : "Your reply did not contain a score line.";
  return `${problem} Reply again in exactly this format, with nothing else:\nSCORE: <${scaleText(scale)}>\nEXPLANATION: <one sentence>`;
}

async function callJudge(
  client: ModelClient,
  request: Parameters<ModelClient["complete"]>[0],
): Promise<ModelResponse> {
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
 * A judge that asks a model to grade each response with the evaluator's rubric. It re-asks
 * only when a reply cannot be parsed; a failed call is returned as `error` at once, because
 * transport retries belong to the runner. A refusal is not re-asked.
 */
export function createRubricJudge(options: RubricJudgeOptions): Judge {
  const { evaluator, client, judgeName, params = {} } = options;
  const maxParseRetries = Math.max(0, options.maxParseRetries ?? 2);

  async function judge(input: JudgeInput): Promise<JudgeOutcome> {
    const prompt = renderJudgePrompt(evaluator, input);
    let messages: ChatMessage[] = prompt;
    let usage: TokenUsage | undefined;
    let attempts = 0;
    for (;;) {
      attempts++;
      const reply = await callJudge(client, {
        messages,
        params,
        cell: input.cell,
        signal: input.signal,
      });
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
      const parsed = parseJudgeReply(reply.text, evaluator.scale);
      if (parsed.score !== null) {
        return {
          kind: "scored",
          score: { score: parsed.score, explanation: parsed.explanation, judge: judgeName },
          usage,
          attempts,
        };
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
        { role: "user", content: correctiveMessage(parsed, evaluator.scale) },
      ];
    }
  }

  return { name: judgeName, judge };
}
