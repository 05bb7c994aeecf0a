import type { ChatMessage, ChatRole } from "../core/types.js";
import { type Exchange, header, sendJson, sendText } from "./http-exchange.js";
import { openAIFailureReply } from "./openai-errors.js";
import { looksLikeJudgeRequest } from "./simulated-judge.js";
import type { FinishReason, Generation } from "./simulated-model.js";
import {
  type AdmittedCall,
  answerOutcome,
  type SimulatedFailure,
  type SimulatorCore,
} from "./simulator-core.js";
import type { Outcome } from "./simulator-stats.js";
import { tokenLogprobs } from "./token-logprobs.js";

/**
 * OpenAI chat completions as vLLM, OpenAI and Azure OpenAI serve them: `POST
 * /v1/chat/completions` (model from the body) and `POST
 * /openai/deployments/{deployment}/chat/completions?api-version=…` (model = deployment).
 */

type Json = Record<string, unknown>;

function openAIFailure(azure: boolean) {
  return (exchange: Exchange, failure: SimulatedFailure, requestId: string): void => {
    const reply = openAIFailureReply(azure, failure);
    sendJson(exchange, reply.status, reply.body, { "x-request-id": requestId, ...reply.headers });
  };
}

const ROLES: Record<string, ChatRole> = {
  system: "system",
  developer: "system",
  user: "user",
  assistant: "assistant",
  tool: "user",
};

function toMessages(raw: unknown): ChatMessage[] | string {
  if (!Array.isArray(raw) || raw.length === 0)
    return "'messages' must be a non-empty array of {role, content}.";
  const messages: ChatMessage[] = [];
  for (const [i, m] of raw.entries()) {
    const role = ROLES[String((m as Json)?.["role"])];
    const content = (m as Json)?.["content"];
    if (role === undefined)
      return `messages[${i}].role must be one of system, developer, user, assistant, tool.`;
    const text =
      typeof content === "string"
        ? content
        : Array.isArray(content)
          ? content
              .map((p) => (typeof (p as Json)?.["text"] === "string" ? (p as Json)["text"] : ""))
              .join("")
          : content == null
            ? ""
            : undefined;
    if (typeof text !== "string")
      return `messages[${i}].content must be a string or an array of text parts.`;
    messages.push({ role, content: text });
  }
  return messages;
}

const FINISH: Record<FinishReason, string> = {
  stop: "stop",
  stop_sequence: "stop",
  length: "length",
  content_filter: "content_filter",
};

interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens: number | undefined;
  stop: string[] | undefined;
  stream: boolean;
  includeUsage: boolean;
  logprobs: boolean;
  topLogprobs: number;
  json: { schema: unknown } | { object: true } | undefined;
}

function parseChatRequest(body: Json, deployment: string | undefined): ChatRequest | string {
  const model = deployment ?? body["model"];
  if (typeof model !== "string" || model === "") return "'model' is required.";
  const messages = toMessages(body["messages"]);
  if (typeof messages === "string") return messages;
  const max = body["max_completion_tokens"] ?? body["max_tokens"];
  if (max != null && (typeof max !== "number" || !Number.isInteger(max) || max < 1))
    return "'max_tokens' must be a positive integer.";
  const stop = body["stop"];
  const format = body["response_format"] as Json | undefined;
  let json: ChatRequest["json"];
  if (format?.["type"] === "json_schema") {
    const spec = format["json_schema"] as Json | undefined;
    if (spec === undefined || typeof spec !== "object")
      return "'response_format.json_schema' is required for type json_schema.";
    json = { schema: spec["schema"] ?? {} };
  } else if (format?.["type"] === "json_object") json = { object: true };
  const top = body["top_logprobs"];
  if (top != null && (typeof top !== "number" || top < 0 || top > 20))
    return "'top_logprobs' must be an integer between 0 and 20.";
  return {
    model,
    messages,
    maxTokens: typeof max === "number" ? max : undefined,
    stop:
      typeof stop === "string"
        ? [stop]
        : Array.isArray(stop)
          ? stop.filter((s): s is string => typeof s === "string")
          : undefined,
    stream: body["stream"] === true,
    includeUsage: (body["stream_options"] as Json | undefined)?.["include_usage"] === true,
    logprobs: body["logprobs"] === true,
    topLogprobs: typeof top === "number" ? Math.floor(top) : 0,
    json,
  };
}

function bearer(exchange: Exchange): string | undefined {
  const auth = header(exchange, "authorization");
  if (auth?.startsWith("Bearer ")) return auth.slice(7);
  return header(exchange, "api-key");
}

function usageOf(g: Generation) {
  return {
    prompt_tokens: g.promptTokens,
    completion_tokens: g.completionTokens,
    total_tokens: g.promptTokens + g.completionTokens,
  };
}

function respond(exchange: Exchange, request: ChatRequest, g: Generation, requestId: string): void {
  const id = `chatcmpl-${requestId}`;
  const created = Math.floor(Date.now() / 1000);
  const logprobs = request.logprobs
    ? tokenLogprobs(g.tokens, request.topLogprobs, g.seed, g.isJudge)
    : undefined;
  const headers = { "x-request-id": requestId };
  if (!request.stream) {
    sendJson(
      exchange,
      200,
      {
        id,
        object: "chat.completion",
        created,
        model: request.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: g.text, refusal: null },
            logprobs: logprobs === undefined ? null : { content: logprobs, refusal: null },
            finish_reason: FINISH[g.finish],
          },
        ],
        usage: usageOf(g),
        system_fingerprint: null,
      },
      headers,
    );
    return;
  }
  // The whole stream is built at once and written in one go: cheap, and SSE clients cannot tell.
  const usage = request.includeUsage ? { usage: null } : {};
  const chunk = (choice: Json, extra: Json = usage) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: request.model, system_fingerprint: null, choices: [choice], ...extra })}\n\n`;
  const parts = [
    chunk({
      index: 0,
      delta: { role: "assistant", content: "" },
      logprobs: null,
      finish_reason: null,
    }),
  ];
  g.tokens.forEach((token, i) => {
    parts.push(
      chunk({
        index: 0,
        delta: { content: token },
        logprobs: logprobs ? { content: [logprobs[i]], refusal: null } : null,
        finish_reason: null,
      }),
    );
  });
  parts.push(chunk({ index: 0, delta: {}, logprobs: null, finish_reason: FINISH[g.finish] }));
  if (request.includeUsage) {
    parts.push(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: request.model, system_fingerprint: null, choices: [], usage: usageOf(g) })}\n\n`,
    );
  }
  parts.push("data: [DONE]\n\n");
  sendText(exchange, 200, "text/event-stream; charset=utf-8", parts.join(""), {
    ...headers,
    "cache-control": "no-cache",
  });
}

function answer(
  call: AdmittedCall,
  core: SimulatorCore,
  exchange: Exchange,
  request: ChatRequest,
  azure: boolean,
): Outcome {
  const { profile } = call;
  if (request.json !== undefined && "schema" in request.json && !profile.supportsJsonSchema) {
    return call.fail({ kind: "unsupported", feature: "json_schema" });
  }
  if (request.logprobs && !profile.supportsLogprobs)
    return call.fail({ kind: "unsupported", feature: "logprobs" });
  if (azure && call.fault === "content_filter") return call.fail({ kind: "content_filter" });
  const g = core.models.generate({
    profile,
    messages: request.messages,
    maxTokens: request.maxTokens,
    stop: request.stop,
    json: request.json,
    fault: call.fault,
  });
  if (profile.contextWindow !== undefined && g.promptTokens > profile.contextWindow) {
    return call.fail({
      kind: "context_too_long",
      limit: profile.contextWindow,
      actual: g.promptTokens,
    });
  }
  respond(exchange, request, g, call.requestId);
  return answerOutcome(call.fault, g.isJudge);
}

export async function handleChatCompletions(
  core: SimulatorCore,
  exchange: Exchange,
  deployment?: string,
): Promise<void> {
  const azure = deployment !== undefined;
  const failures = openAIFailure(azure);
  let body: Json;
  try {
    body = JSON.parse(exchange.body) as Json;
    if (body === null || typeof body !== "object" || Array.isArray(body))
      throw new Error("not an object");
  } catch {
    failures(
      exchange,
      { kind: "bad_request", message: "The request body is not valid JSON (expected an object)." },
      "invalid-body",
    );
    return core.recordUnrouted("4xx");
  }
  if (azure && !exchange.query.has("api-version")) {
    failures(
      exchange,
      { kind: "bad_request", message: "Missing required query parameter 'api-version'." },
      "invalid-query",
    );
    return core.recordUnrouted("4xx");
  }
  const request = parseChatRequest(body, deployment);
  if (typeof request === "string") {
    failures(exchange, { kind: "bad_request", message: request }, "invalid-body");
    return core.recordUnrouted("4xx");
  }
  await core.serve(
    exchange,
    {
      route: azure ? "azure" : "openai",
      wireName: request.model,
      judge: looksLikeJudgeRequest(request.messages),
      credential: bearer(exchange),
      failures,
    },
    (call) => answer(call, core, exchange, request, azure),
  );
}
