import type { ChatMessage } from "../core/types.js";
import {
  type Exchange,
  type Headers,
  header,
  retryAfterHeaders,
  sendJson,
} from "./http-exchange.js";
import type { FailureReply } from "./openai-errors.js";
import { looksLikeJudgeRequest } from "./simulated-judge.js";
import type { FinishReason } from "./simulated-model.js";
import {
  type AdmittedCall,
  answerOutcome,
  type SimulatedFailure,
  type SimulatorCore,
} from "./simulator-core.js";
import type { Outcome } from "./simulator-stats.js";

/**
 * Amazon Bedrock Converse: `POST /model/{modelId}/converse`, AWS restJson1. Errors carry the
 * exception name in `x-amzn-errortype` (which the SDK reads first) and `{message}` in the body.
 * SigV4 signatures are accepted unchecked; a profile `api_key` demands a Bedrock API key
 * (`Authorization: Bearer …`).
 */

type Json = Record<string, unknown>;

function bedrockFailureReply(failure: SimulatedFailure): FailureReply {
  const send = (
    status: number,
    type: string,
    message: string,
    headers: Headers = {},
  ): FailureReply => ({
    status,
    body: { message },
    headers: { "x-amzn-errortype": type, ...headers },
  });
  switch (failure.kind) {
    case "unauthorized":
      return send(
        403,
        "AccessDeniedException",
        "Authentication failed: please make sure your API key or credentials are valid.",
      );
    case "unknown_model":
      return send(400, "ValidationException", "The provided model identifier is invalid.");
    case "bad_request":
      return send(400, "ValidationException", failure.message);
    case "unsupported":
      return send(400, "ValidationException", `This model doesn't support ${failure.feature}.`);
    case "context_too_long":
      return send(400, "ValidationException", "Input is too long for requested model.");
    case "content_filter":
      return send(400, "ValidationException", "The request was blocked by content filters.");
    case "rate_limited":
      return send(
        429,
        "ThrottlingException",
        "Too many requests, please wait before trying again.",
        retryAfterHeaders(failure.retryAfterMs),
      );
    case "server_error":
      return failure.status === 500
        ? send(
            500,
            "InternalServerException",
            "The server encountered an internal error while processing the request.",
          )
        : send(
            503,
            "ServiceUnavailableException",
            "The service is temporarily unable to handle the request. Try again later.",
          );
    case "timeout":
      return send(
        408,
        "ModelTimeoutException",
        "Model has timed out in processing the request. Try your request again.",
      );
  }
}

function bedrockFailure(exchange: Exchange, failure: SimulatedFailure, requestId: string): void {
  const reply = bedrockFailureReply(failure);
  sendJson(exchange, reply.status, reply.body, { "x-amzn-requestid": requestId, ...reply.headers });
}

const STOP_REASON: Record<FinishReason, string> = {
  stop: "end_turn",
  stop_sequence: "stop_sequence",
  length: "max_tokens",
  content_filter: "content_filtered",
};

function textOf(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return undefined;
  return blocks
    .map((b) => (typeof (b as Json)?.["text"] === "string" ? (b as Json)["text"] : ""))
    .join("");
}

interface ConverseRequest {
  messages: ChatMessage[];
  maxTokens: number | undefined;
  stop: string[] | undefined;
  /** toolChoice forcing one tool: the answer is that tool's input, fitting its schema. */
  forcedTool: { name: string; schema: unknown } | undefined;
}

function forcedToolOf(body: Json): ConverseRequest["forcedTool"] | string {
  const config = body["toolConfig"] as Json | undefined;
  if (config === undefined) return undefined;
  const tools = config["tools"];
  if (!Array.isArray(tools) || tools.length === 0) return "toolConfig.tools: must not be empty.";
  const chosen = ((config["toolChoice"] as Json | undefined)?.["tool"] as Json | undefined)?.[
    "name"
  ];
  if (typeof chosen !== "string") return undefined;
  const spec = tools
    .map((t) => (t as Json)?.["toolSpec"] as Json | undefined)
    .find((t) => t?.["name"] === chosen);
  if (spec === undefined) return `toolChoice.tool.name: no tool named ${chosen}.`;
  return { name: chosen, schema: (spec["inputSchema"] as Json | undefined)?.["json"] ?? {} };
}

function parseConverse(body: Json): ConverseRequest | string {
  const raw = body["messages"];
  if (!Array.isArray(raw) || raw.length === 0)
    return "messages: must contain at least one message.";
  const messages: ChatMessage[] = [];
  const system = textOf(body["system"]);
  if (system) messages.push({ role: "system", content: system });
  for (const [i, m] of raw.entries()) {
    const role = (m as Json)?.["role"];
    const content = textOf((m as Json)?.["content"]);
    if (role !== "user" && role !== "assistant")
      return `messages.${i}.role: must be user or assistant.`;
    if (content === undefined) return `messages.${i}.content: must be a list of content blocks.`;
    messages.push({ role, content });
  }
  const config = (body["inferenceConfig"] ?? {}) as Json;
  const max = config["maxTokens"];
  if (max !== undefined && (typeof max !== "number" || max < 1))
    return "inferenceConfig.maxTokens: must be at least 1.";
  const stop = config["stopSequences"];
  const forcedTool = forcedToolOf(body);
  if (typeof forcedTool === "string") return forcedTool;
  return {
    forcedTool,
    messages,
    maxTokens: typeof max === "number" ? max : undefined,
    stop: Array.isArray(stop) ? stop.filter((s): s is string => typeof s === "string") : undefined,
  };
}

function answer(
  call: AdmittedCall,
  core: SimulatorCore,
  exchange: Exchange,
  request: ConverseRequest,
): Outcome {
  const g = core.models.generate({
    profile: call.profile,
    messages: request.messages,
    maxTokens: request.maxTokens,
    stop: request.stop,
    fault: call.fault,
    json: request.forcedTool && { schema: request.forcedTool.schema },
  });
  const window = call.profile.contextWindow;
  if (window !== undefined && g.promptTokens > window)
    return call.fail({ kind: "context_too_long", limit: window, actual: g.promptTokens });
  let content: Json[] = [{ text: g.text }];
  let stopReason = STOP_REASON[g.finish];
  if (request.forcedTool && g.finish === "stop") {
    try {
      const input = JSON.parse(g.text) as unknown;
      content = [
        {
          toolUse: { toolUseId: `tooluse_${call.requestId}`, name: request.forcedTool.name, input },
        },
      ];
      stopReason = "tool_use";
    } catch {
      // A truncated answer is not JSON; it goes back as text, as a real model's would.
    }
  }
  sendJson(
    exchange,
    200,
    {
      output: { message: { role: "assistant", content } },
      stopReason,
      usage: {
        inputTokens: g.promptTokens,
        outputTokens: g.completionTokens,
        totalTokens: g.promptTokens + g.completionTokens,
      },
      metrics: { latencyMs: Math.max(1, Math.round(performance.now() - exchange.startedAt)) },
    },
    { "x-amzn-requestid": call.requestId },
  );
  return answerOutcome(call.fault, g.isJudge);
}

export async function handleConverse(
  core: SimulatorCore,
  exchange: Exchange,
  encodedModelId: string,
): Promise<void> {
  let modelId: string;
  let body: Json;
  try {
    modelId = decodeURIComponent(encodedModelId);
    body = JSON.parse(exchange.body || "{}") as Json;
    if (body === null || typeof body !== "object" || Array.isArray(body))
      throw new Error("not an object");
  } catch {
    bedrockFailure(
      exchange,
      { kind: "bad_request", message: "The request body is not valid JSON." },
      "invalid-body",
    );
    return core.recordUnrouted("4xx");
  }
  const request = parseConverse(body);
  if (typeof request === "string") {
    bedrockFailure(exchange, { kind: "bad_request", message: request }, "invalid-body");
    return core.recordUnrouted("4xx");
  }
  const auth = header(exchange, "authorization");
  await core.serve(
    exchange,
    {
      route: "bedrock",
      wireName: modelId,
      judge: looksLikeJudgeRequest(request.messages),
      credential: auth?.startsWith("Bearer ") ? auth.slice(7) : undefined,
      failures: bedrockFailure,
    },
    (call) => answer(call, core, exchange, request),
  );
}
