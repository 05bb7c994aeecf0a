import OpenAI from "openai";
import { UserError } from "../core/errors.js";
import type { CatalogModel, ModelClient } from "../core/types.js";
import type { SecretScrubber } from "./api-keys.js";
import { OpenAIChatClient } from "./openai-chat-client.js";

/**
 * vLLM, Ollama, LiteLLM, Fireworks, OpenAI and any other server speaking OpenAI chat
 * completions, through the official `openai` SDK with its retries switched off (the runner
 * owns retries).
 */

/** Sent when the catalog names no key: the SDK insists on one and local servers ignore it. */
const NO_KEY_SENT = "evalgate-no-key";

/** Identifier prefixes whose servers reject vLLM-style sampling extras. */
const STRICT_OPENAI_PREFIXES = new Set(["openai", "azure"]);

export interface OpenAIClientBuild {
  apiKey: string | undefined;
  endpoint: string | undefined;
  defaultTimeoutMs: number;
  scrubber: SecretScrubber;
}

export function createOpenAICompatibleClient(
  model: CatalogModel,
  build: OpenAIClientBuild,
): ModelClient {
  const endpoint = requireEndpoint(model, build.endpoint, "http://localhost:8000/v1");
  const sdk = new OpenAI({
    ...sharedSdkOptions(build.defaultTimeoutMs),
    apiKey: build.apiKey ?? NO_KEY_SENT,
    baseURL: endpoint,
  });
  return new OpenAIChatClient({
    model,
    sdk,
    scrubber: build.scrubber,
    defaultTimeoutMs: build.defaultTimeoutMs,
    endpointLabel: endpointLabel(endpoint),
    sendSamplingExtras: !STRICT_OPENAI_PREFIXES.has(model.identifierPrefix),
  });
}

/** What every OpenAI SDK client evalgate builds has in common (Azure's included). */
export function sharedSdkOptions(defaultTimeoutMs: number) {
  return {
    // Explicit nulls keep OPENAI_ORG_ID / OPENAI_PROJECT_ID from leaking into requests.
    organization: null,
    project: null,
    // The runner is the one retry layer.
    maxRetries: 0,
    timeout: defaultTimeoutMs,
    logLevel: "off" as const,
    fetch: normaliseErrorBodies,
  };
}

export function requireEndpoint(
  model: CatalogModel,
  endpoint: string | undefined,
  example: string,
): string {
  if (!endpoint) {
    throw new UserError(
      `Model "${model.name}" (${model.identifier}) has no endpoint: add \`endpoint: ${example}\` to it in the models file.`,
    );
  }
  return endpoint;
}

/** The endpoint without user:password or query, fit for messages. */
export function endpointLabel(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, "")}`;
  } catch {
    return "the endpoint";
  }
}

/**
 * The SDK reads an error's message only from `{"error": {...}}`. vLLM (older releases),
 * FastAPI-based servers and some proxies answer `{"message": ...}`, `{"detail": ...}` or
 * `{"error": "text"}`, which the SDK would turn into "400 status code (no body)" — and the
 * message is what tells a context overflow from a bad parameter. Re-wrap those bodies.
 */
export const normaliseErrorBodies: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.ok) return response;
  const text = await response.text();
  const rewritten = rewrapErrorBody(text);
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  return new Response(rewritten ?? text, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
};

function rewrapErrorBody(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return undefined;
  const record = json as Record<string, unknown>;
  if (record["error"] && typeof record["error"] === "object") return undefined;
  const message = record["error"] ?? record["message"] ?? record["detail"] ?? text;
  return JSON.stringify({
    error: {
      message: typeof message === "string" ? message : JSON.stringify(message),
      code: typeof record["code"] === "string" ? record["code"] : undefined,
      type: typeof record["type"] === "string" ? record["type"] : undefined,
    },
  });
}
