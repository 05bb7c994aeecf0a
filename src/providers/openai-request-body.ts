import type { CatalogModel, ModelRequest } from "../core/types.js";

/**
 * Which request parameters reach an OpenAI-compatible server. Definitions carry keys meant
 * for the gateway (model_class_provider, timeout, max_retries, …); sending those would make
 * strict servers answer 400, so only parameters known to chat-completions servers pass.
 */

/** Standard OpenAI chat-completions sampling parameters. */
const STANDARD_PARAMS = [
  "temperature",
  "max_tokens",
  "top_p",
  "seed",
  "presence_penalty",
  "frequency_penalty",
];

/**
 * vLLM / Fireworks / Ollama sampling extras, sent at the top level of the JSON body (vLLM's
 * `extra_body` in the Python SDK ends up there too). OpenAI and Azure reject them, so they
 * are sent only to other servers.
 */
const SAMPLING_EXTRAS = ["top_k", "min_p", "repetition_penalty"];

export interface BodyFeatures {
  jsonSchema: boolean;
  logprobs: boolean;
  samplingExtras: boolean;
}

export function buildChatBody(
  model: CatalogModel,
  request: ModelRequest,
  features: BodyFeatures,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: model.servedName,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  const params = request.params;
  const allowed = features.samplingExtras
    ? [...STANDARD_PARAMS, ...SAMPLING_EXTRAS]
    : STANDARD_PARAMS;
  for (const key of allowed) {
    const value = params[key];
    if (typeof value === "number") body[key] = value;
  }
  if (Array.isArray(params.stop) && params.stop.length > 0) body["stop"] = params.stop;
  if (features.jsonSchema && request.responseFormat) {
    body["response_format"] = {
      type: "json_schema",
      json_schema: {
        name: request.responseFormat.name,
        schema: request.responseFormat.schema,
        strict: true,
      },
    };
  }
  if (features.logprobs && request.logprobs) {
    body["logprobs"] = true;
    body["top_logprobs"] = request.logprobs.topLogprobs;
  }
  mergeExtraBody(body, params["extra_body"]);
  return body;
}

/**
 * `extra_body` is the escape hatch for server options evalgate does not know: merged into the
 * body as given, to every server (the user named the server). `model` and `messages` stay
 * evalgate's, since replacing them would no longer evaluate the configured prompt and model.
 */
function mergeExtraBody(body: Record<string, unknown>, extra: unknown): void {
  if (extra === null || typeof extra !== "object" || Array.isArray(extra)) return;
  for (const [key, value] of Object.entries(extra)) {
    if (key === "model" || key === "messages") continue;
    body[key] = value;
  }
}
