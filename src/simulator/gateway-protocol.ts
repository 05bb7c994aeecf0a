import { sep } from "node:path";
import { familyChainFor, parseIdentifier } from "../catalog/index.js";
import type { ChatMessage } from "../core/types.js";
import type { PromptRegistry } from "../prompts/index.js";
import {
  type Exchange,
  type Headers,
  header,
  retryAfterHeaders,
  sendJson,
} from "./http-exchange.js";
import type { FailureReply } from "./openai-errors.js";
import { looksLikeJudgeRequest } from "./simulated-judge.js";
import { answerOutcome, type SimulatedFailure, type SimulatorCore } from "./simulator-core.js";

/**
 * The AI gateway's prompt endpoints: `POST /v2/prompts/{prompt_id}` → `{content, usage}` and
 * `POST /v1/prompts/{prompt_id}` → a bare JSON string. As in the real gateway for self-hosted
 * models, `model_metadata.name` is the model's family: the prompt is rendered from the first
 * folder of that family's chain, else `base`. Which model answers comes from
 * `model_metadata.identifier`. Errors are FastAPI-style `{detail}`.
 */

type Json = Record<string, unknown>;

export interface GatewaySetup {
  registry: PromptRegistry | undefined;
  /** Family -> fallback chain, overriding and adding to the built-in chains. */
  families: Record<string, string[]>;
  token: string | undefined;
  allowedEndpoints: readonly string[] | undefined;
}

function gatewayFailureReply(failure: SimulatedFailure): FailureReply {
  const send = (status: number, detail: string, headers: Headers = {}): FailureReply => ({
    status,
    body: { detail },
    headers,
  });
  switch (failure.kind) {
    case "unauthorized":
      return send(401, "The model provider rejected the API key in model_metadata.api_key.");
    case "unknown_model":
      return send(404, `Model '${failure.model}' is not available.`);
    case "bad_request":
      return send(400, failure.message);
    case "unsupported":
      return send(400, `The model does not support ${failure.feature}.`);
    case "context_too_long":
      return send(
        400,
        `Prompt is too long for the model: ${failure.actual} tokens, limit ${failure.limit}.`,
      );
    case "content_filter":
      return send(400, "The model provider's content filter blocked the request.");
    case "rate_limited":
      return send(
        429,
        "Rate limited by the model provider.",
        retryAfterHeaders(failure.retryAfterMs),
      );
    case "server_error":
      return send(
        failure.status,
        failure.status === 500 ? "Internal Server Error" : "The model provider is unavailable.",
      );
    case "timeout":
      return send(504, "The model provider timed out.");
  }
}

function gatewayFailure(exchange: Exchange, failure: SimulatedFailure, requestId: string): void {
  const reply = gatewayFailureReply(failure);
  sendJson(exchange, reply.status, reply.body, { "x-request-id": requestId, ...reply.headers });
}

function reject(core: SimulatorCore, exchange: Exchange, status: number, detail: string): void {
  sendJson(exchange, status, { detail });
  core.recordUnrouted("4xx");
}

interface GatewayBody {
  inputs: Record<string, unknown>;
  promptVersion: string | undefined;
  meta: Record<string, string | undefined>;
}

function parseBody(text: string): GatewayBody | string {
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    return "Request body is not valid JSON.";
  }
  if (body === null || typeof body !== "object" || Array.isArray(body))
    return "Request body must be a JSON object.";
  const inputs = body["inputs"];
  if (inputs === null || typeof inputs !== "object" || Array.isArray(inputs))
    return "Field 'inputs' is required and must be an object.";
  const version = body["prompt_version"];
  if (version !== undefined && version !== null && typeof version !== "string")
    return "Field 'prompt_version' must be a string.";
  const rawMeta = body["model_metadata"];
  if (
    rawMeta !== undefined &&
    rawMeta !== null &&
    (typeof rawMeta !== "object" || Array.isArray(rawMeta))
  )
    return "Field 'model_metadata' must be an object.";
  const meta: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((rawMeta ?? {}) as Json)) {
    if (v !== null && v !== undefined && typeof v !== "string")
      return `Field 'model_metadata.${k}' must be a string.`;
    meta[k] = v ?? undefined;
  }
  return { inputs: inputs as Record<string, unknown>, promptVersion: version ?? undefined, meta };
}

/** `model_metadata.name` is a family; unknown families fall back to `base` alone. */
function familyChain(setup: GatewaySetup, family: string | undefined): string[] {
  if (!family) return [];
  return familyChainFor(family, setup.families) ?? [];
}

/**
 * The wire name of the model that answers: the identifier's served name (the simulator's
 * aliases map it back to a catalog name), else `model_metadata.name`. The name is a family,
 * shared by many models, so it only identifies a model when no identifier is sent.
 */
function answeringModel(meta: Record<string, string | undefined>): string {
  const identifier = meta["identifier"];
  if (identifier) {
    const parsed = parseIdentifier(identifier);
    return typeof parsed === "string" ? identifier : parsed.servedName;
  }
  return meta["name"] || "gateway-default";
}

/** A gateway does not reveal where its definitions live: paths are relative to their root. */
function withoutRoot(message: string, root: string): string {
  return message.split(`${root}${sep}`).join("").split(root).join(".");
}

export async function handleGatewayPrompt(
  core: SimulatorCore,
  setup: GatewaySetup,
  exchange: Exchange,
  apiVersion: 1 | 2,
  promptId: string,
): Promise<void> {
  if (setup.token !== undefined) {
    const auth = header(exchange, "authorization");
    if (auth === undefined)
      return reject(
        core,
        exchange,
        401,
        "Forbidden by auth provider: missing Authorization header.",
      );
    if (auth !== `Bearer ${setup.token}`)
      return reject(core, exchange, 403, "Forbidden by auth provider.");
  }
  const body = parseBody(exchange.body);
  if (typeof body === "string") return reject(core, exchange, 400, body);
  const endpoint = body.meta["endpoint"];
  if (
    setup.allowedEndpoints !== undefined &&
    endpoint !== undefined &&
    !setup.allowedEndpoints.includes(endpoint)
  ) {
    return reject(
      core,
      exchange,
      421,
      `model_metadata.endpoint '${endpoint}' is not allowed by this gateway.`,
    );
  }
  const { registry } = setup;
  if (registry === undefined || !registry.has(promptId)) {
    const why =
      registry === undefined ? " (the simulator was started without prompt definitions)" : "";
    return reject(core, exchange, 404, `Prompt '${promptId}' not found${why}.`);
  }
  const name = answeringModel(body.meta);
  let messages: ChatMessage[];
  let maxTokens: number | undefined;
  let stop: string[] | undefined;
  try {
    const chain = familyChain(setup, body.meta["name"]);
    const resolved = registry.resolve(promptId, chain, body.promptVersion);
    try {
      const rendered = registry.render(resolved, body.inputs);
      messages = rendered.messages;
      maxTokens = rendered.params.max_tokens;
      stop = rendered.params.stop;
    } catch (err) {
      // Like the gateway, any rendering failure (most often a missing variable) is a 422.
      return reject(core, exchange, 422, withoutRoot((err as Error).message, registry.root));
    }
  } catch (err) {
    return reject(core, exchange, 404, withoutRoot((err as Error).message, registry.root));
  }
  await core.serve(
    exchange,
    {
      route: apiVersion === 1 ? "gateway_v1" : "gateway_v2",
      wireName: name,
      judge: looksLikeJudgeRequest(messages),
      credential: body.meta["api_key"],
      failures: gatewayFailure,
    },
    (call) => {
      const g = core.models.generate({
        profile: call.profile,
        messages,
        maxTokens,
        stop,
        fault: call.fault,
      });
      const window = call.profile.contextWindow;
      if (window !== undefined && g.promptTokens > window)
        return call.fail({ kind: "context_too_long", limit: window, actual: g.promptTokens });
      if (g.finish === "content_filter") return call.fail({ kind: "content_filter" });
      const headers = { "x-request-id": call.requestId };
      if (apiVersion === 1) sendJson(exchange, 200, g.text, headers);
      else
        sendJson(
          exchange,
          200,
          {
            content: g.text,
            usage: { input_tokens: g.promptTokens, output_tokens: g.completionTokens },
          },
          headers,
        );
      return answerOutcome(call.fault, g.isJudge);
    },
  );
}
