import type {
  CatalogModel,
  ModelClient,
  ModelRequest,
  ModelResponse,
  TokenUsage,
} from "../core/types.js";
import type { SecretScrubber } from "./api-keys.js";
import { startDeadline } from "./call-deadline.js";
import {
  buildFailure,
  classifyHttpStatus,
  classifyNetworkError,
  describeError,
  type FailureParts,
  parseRetryAfterMs,
  requestIdFromHeaders,
  truncateDetail,
} from "./error-classification.js";
import { endpointLabel } from "./openai-compatible-client.js";

/**
 * The AI gateway's prompt API: the gateway picks and renders the prompt definition for the
 * model's family itself and calls the model endpoint named in `model_metadata`. evalgate
 * sends the example's template variables, not messages.
 */

export interface GatewaySettings {
  /** Base URL of the gateway, e.g. http://localhost:5052. */
  url: string;
  /** 2: `/v2/prompts/{id}` returns `{content, usage}`; 1: `/v1/prompts/{id}` returns a bare JSON string. */
  apiVersion: 1 | 2;
  /** Environment variable holding the gateway token (sent as `Authorization: Bearer`). */
  tokenEnv?: string | undefined;
}

export interface GatewayClientBuild {
  gateway: GatewaySettings;
  gatewayToken: string | undefined;
  apiKey: string | undefined;
  /** The model endpoint the gateway should call (catalog endpoint or override). */
  modelEndpoint: string | undefined;
  defaultTimeoutMs: number;
  scrubber: SecretScrubber;
}

export function createGatewayClient(model: CatalogModel, build: GatewayClientBuild): ModelClient {
  return new GatewayClient(model, build);
}

class GatewayClient implements ModelClient {
  private readonly where: string;

  constructor(
    private readonly model: CatalogModel,
    private readonly build: GatewayClientBuild,
  ) {
    this.where = `the AI gateway at ${endpointLabel(build.gateway.url)}`;
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const started = performance.now();
    const fail = (parts: FailureParts) =>
      buildFailure(
        { ...parts, message: this.build.scrubber.scrub(parts.message) },
        performance.now() - started,
      );
    const prompt = request.gatewayPrompt;
    if (!prompt) {
      return fail({
        errorClass: "bad_request",
        message: `model "${this.model.name}": gateway mode needs the prompt id, version and inputs (request.gatewayPrompt) but none were given`,
      });
    }
    const deadline = startDeadline(request, this.build.defaultTimeoutMs);
    const { apiVersion } = this.build.gateway;
    const url = `${this.build.gateway.url.replace(/\/+$/, "")}/v${apiVersion}/prompts/${prompt.promptId
      .split("/")
      .map(encodeURIComponent)
      .join("/")}`;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    };
    if (this.build.gatewayToken) headers["authorization"] = `Bearer ${this.build.gatewayToken}`;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify({
          inputs: prompt.inputs,
          prompt_version: prompt.promptVersion,
          model_metadata: this.modelMetadata(),
        }),
        signal: deadline.signal,
      });
      const requestId = requestIdFromHeaders(response.headers);
      const text = await response.text();
      if (!response.ok) return fail(this.httpFailure(response, text, prompt, requestId));
      const parsed = parseGatewayBody(text, apiVersion);
      if (parsed === undefined) {
        return fail({
          errorClass: "server",
          message: `model "${this.model.name}": ${this.where} answered 200 with a body that is not ${apiVersion === 2 ? "{content, usage}" : "a JSON string"}: ${truncateDetail(text)}`,
          requestId,
        });
      }
      return {
        ok: true,
        text: parsed.content,
        finishReason: parsed.finishReason ?? "unknown",
        usage: parsed.usage,
        latencyMs: performance.now() - started,
        requestId,
      };
    } catch (error) {
      const parts = deadline.failure() ?? {
        errorClass: classifyNetworkError(error) ?? "connection",
        message: `model "${this.model.name}": could not reach ${this.where}: ${describeError(error)}`,
      };
      return fail(parts);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * What the gateway needs to reach the model itself. `name` is the model's family
   * (mistral, mixtral, claude_3, …): it is how the gateway picks the prompt family folder.
   * `api_key` goes to the gateway by design of its API (it calls the model for us).
   */
  private modelMetadata(): Record<string, string> {
    const metadata: Record<string, string> = {
      provider: this.model.identifierPrefix,
      name: this.model.family,
      identifier: this.model.identifier,
    };
    if (this.build.modelEndpoint) metadata["endpoint"] = this.build.modelEndpoint;
    if (this.build.apiKey) metadata["api_key"] = this.build.apiKey;
    return metadata;
  }

  private httpFailure(
    response: Response,
    body: string,
    prompt: NonNullable<ModelRequest["gatewayPrompt"]>,
    requestId: string | undefined,
  ): FailureParts {
    const status = response.status;
    const detail = truncateDetail(extractDetail(body));
    const prefix = `model "${this.model.name}": HTTP ${status} from ${this.where}`;
    const hint = this.hintFor(status, prompt);
    const parts: FailureParts = {
      errorClass: classifyHttpStatus(status, detail),
      status,
      message: `${prefix}: ${hint ? `${hint} ` : ""}(${detail || "no detail"})`,
      requestId,
    };
    const retryAfterMs = parseRetryAfterMs(response.headers);
    if (retryAfterMs !== undefined) parts.retryAfterMs = retryAfterMs;
    return parts;
  }

  private hintFor(status: number, prompt: NonNullable<ModelRequest["gatewayPrompt"]>): string {
    const tokenEnv = this.build.gateway.tokenEnv;
    switch (status) {
      case 401:
      case 403:
        return tokenEnv
          ? `the gateway rejected the token; check ${tokenEnv}.`
          : "the gateway wants a token: set gateway.token_env in evalgate.yaml and export that variable.";
      case 404:
        return `the gateway does not know prompt "${prompt.promptId}" at version "${prompt.promptVersion}"; check the feature's prompt_id / prompt_version against the gateway's definitions.`;
      case 421:
        return `the gateway refused the model endpoint ${this.build.modelEndpoint ? endpointLabel(this.build.modelEndpoint) : "(none)"}; add it to the gateway's allowed self-hosted endpoints or fix the model's endpoint.`;
      case 422:
        return `the gateway refused to render prompt "${prompt.promptId}" for family ${this.model.family}: an input the templates read is missing, or a template breaks the gateway's sandbox rules. This is a configuration problem, not an endpoint one: \`evalgate validate\` or \`evalgate prompts render\` shows the definition and line (check gateway_version if the gateway is older).`;
      case 400:
        return "the gateway rejected the request; check the model's identifier and family.";
      default:
        return "";
    }
  }
}

interface ParsedGatewayBody {
  content: string;
  usage: TokenUsage | undefined;
  finishReason: string | undefined;
}

function parseGatewayBody(text: string, apiVersion: 1 | 2): ParsedGatewayBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (apiVersion === 1) {
    return typeof json === "string"
      ? { content: json, usage: undefined, finishReason: undefined }
      : undefined;
  }
  if (!json || typeof json !== "object") return undefined;
  const record = json as Record<string, unknown>;
  if (typeof record["content"] !== "string") return undefined;
  const finish = record["finish_reason"] ?? record["stop_reason"];
  return {
    content: record["content"],
    usage: parseUsage(record["usage"]),
    finishReason: typeof finish === "string" ? finish : undefined,
  };
}

/**
 * Gateways report usage as `{input_tokens, output_tokens}`, OpenAI-style
 * `{prompt_tokens, completion_tokens}`, or keyed by model name around either.
 */
export function parseUsage(value: unknown, depth = 0): TokenUsage | undefined {
  if (!value || typeof value !== "object" || depth > 1) return undefined;
  const record = value as Record<string, unknown>;
  const input = record["input_tokens"] ?? record["prompt_tokens"] ?? record["inputTokens"];
  const output = record["output_tokens"] ?? record["completion_tokens"] ?? record["outputTokens"];
  if (typeof input === "number" || typeof output === "number") {
    return {
      inputTokens: typeof input === "number" ? input : 0,
      outputTokens: typeof output === "number" ? output : 0,
    };
  }
  let total: TokenUsage | undefined;
  for (const nested of Object.values(record)) {
    const usage = parseUsage(nested, depth + 1);
    if (!usage) continue;
    total = {
      inputTokens: (total?.inputTokens ?? 0) + usage.inputTokens,
      outputTokens: (total?.outputTokens ?? 0) + usage.outputTokens,
    };
  }
  return total;
}

/** FastAPI answers `{"detail": ...}`; others `{"error": ...}` or `{"message": ...}`. */
function extractDetail(body: string): string {
  try {
    const json = JSON.parse(body) as unknown;
    if (json && typeof json === "object") {
      const record = json as Record<string, unknown>;
      const detail = record["detail"] ?? record["error"] ?? record["message"];
      if (detail !== undefined) return typeof detail === "string" ? detail : JSON.stringify(detail);
    }
    if (typeof json === "string") return json;
  } catch {
    // Not JSON: use the text as it is.
  }
  return body;
}
