import OpenAI from "openai";
import type {
  CatalogModel,
  ModelClient,
  ModelRequest,
  ModelResponse,
  TokenLogprob,
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
  truncateDetail,
} from "./error-classification.js";
import { buildChatBody } from "./openai-request-body.js";

/**
 * The chat-completions call shared by OpenAI-compatible servers and Azure OpenAI: they
 * differ only in how the SDK client is built (see openai-compatible-client.ts and
 * azure-openai-client.ts).
 */

export interface OpenAIChatClientSettings {
  model: CatalogModel;
  sdk: OpenAI;
  scrubber: SecretScrubber;
  defaultTimeoutMs: number;
  /** Where requests go, without credentials, for messages. */
  endpointLabel: string;
  /** vLLM-style sampling extras (top_k, min_p, …) that OpenAI and Azure reject. */
  sendSamplingExtras: boolean;
}

const JSON_SCHEMA_WARNING =
  "server does not support json_schema response_format; fell back to plain text";
const LOGPROBS_WARNING = "server does not support logprobs; returned no logprobs";

const MENTIONS_RESPONSE_FORMAT = /response_format|json_schema|structured output|guided|grammar/i;
const MENTIONS_LOGPROBS = /logprob/i;

type CompletionData = {
  choices?: {
    message?: { content?: string | null; refusal?: string | null } | null;
    finish_reason?: string | null;
    logprobs?: {
      content?:
        | { token: string; logprob: number; top_logprobs?: { token: string; logprob: number }[] }[]
        | null;
    } | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
};

export class OpenAIChatClient implements ModelClient {
  private readonly settings: OpenAIChatClientSettings;
  // Remembered per client so a server that lacks a feature costs one extra request, not one per call.
  private jsonSchemaUnsupported = false;
  private logprobsUnsupported = false;

  constructor(settings: OpenAIChatClientSettings) {
    this.settings = settings;
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const started = performance.now();
    const deadline = startDeadline(request, this.settings.defaultTimeoutMs);
    const warnings: string[] = [];
    try {
      // At most one fallback per optional feature, so at most three attempts.
      for (let attempt = 0; attempt < 3; attempt++) {
        const useJsonSchema = !!request.responseFormat && !this.jsonSchemaUnsupported;
        const useLogprobs = !!request.logprobs && !this.logprobsUnsupported;
        if (request.responseFormat && !useJsonSchema) pushOnce(warnings, JSON_SCHEMA_WARNING);
        if (request.logprobs && !useLogprobs) pushOnce(warnings, LOGPROBS_WARNING);
        const body = buildChatBody(this.settings.model, request, {
          jsonSchema: useJsonSchema,
          logprobs: useLogprobs,
          samplingExtras: this.settings.sendSamplingExtras,
        });
        try {
          // Plain `create` (not `.withResponse()`): the SDK puts the request id on the
          // result as `_request_id`, and the raw response is not needed.
          const data = await this.settings.sdk.chat.completions.create(
            body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
            {
              signal: deadline.signal,
              // The SDK's own timer as a backstop; ours fires first and says why.
              timeout: deadline.timeoutMs + 1_000,
              maxRetries: 0,
            },
          );
          const request_id = (data as { _request_id?: string | null })._request_id;
          const latencyMs = performance.now() - started;
          return this.toResponse(data as CompletionData, request_id ?? undefined, latencyMs, {
            warnings,
            wantLogprobs: useLogprobs,
          });
        } catch (error) {
          const fellBack = this.fallBackIfUnsupported(error, useJsonSchema, useLogprobs);
          if (fellBack && !deadline.expired) continue;
          return this.fail(deadline.failure() ?? this.classify(error), started);
        }
      }
      return this.fail(
        { errorClass: "bad_request", message: "server kept rejecting the request" },
        started,
      );
    } finally {
      deadline.dispose();
    }
  }

  /** True when `error` is a 400/422 complaining about a feature we sent: drop it and retry. */
  private fallBackIfUnsupported(
    error: unknown,
    sentJsonSchema: boolean,
    sentLogprobs: boolean,
  ): boolean {
    if (!(error instanceof OpenAI.APIError) || (error.status !== 400 && error.status !== 422)) {
      return false;
    }
    const detail = errorDetail(error);
    if (sentJsonSchema && MENTIONS_RESPONSE_FORMAT.test(detail)) {
      this.jsonSchemaUnsupported = true;
      return true;
    }
    if (sentLogprobs && MENTIONS_LOGPROBS.test(detail)) {
      this.logprobsUnsupported = true;
      return true;
    }
    return false;
  }

  private toResponse(
    data: CompletionData,
    requestId: string | undefined,
    latencyMs: number,
    extra: { warnings: string[]; wantLogprobs: boolean },
  ): ModelResponse {
    const choice = data?.choices?.[0];
    if (!choice || typeof choice !== "object") {
      return buildFailure(
        {
          errorClass: "server",
          message: `${this.prefix()}: malformed response (no choices[0]) from ${this.settings.endpointLabel}`,
          requestId,
        },
        latencyMs,
      );
    }
    const finishReason = normaliseFinishReason(choice.finish_reason);
    if (finishReason === "content_filter") {
      return buildFailure(
        {
          errorClass: "content_filtered",
          message: `${this.prefix()}: the provider's content filter stopped the response (finish_reason content_filter)`,
          requestId,
        },
        latencyMs,
      );
    }
    const usage = data.usage
      ? {
          inputTokens: data.usage.prompt_tokens ?? 0,
          outputTokens: data.usage.completion_tokens ?? 0,
        }
      : undefined;
    const response: ModelResponse = {
      ok: true,
      text: choice.message?.content ?? "",
      finishReason,
      usage,
      latencyMs,
      requestId,
    };
    const logprobs = choice.logprobs?.content;
    if (extra.wantLogprobs && Array.isArray(logprobs)) {
      response.logprobs = logprobs.map(
        (entry): TokenLogprob => ({
          token: entry.token,
          logprob: entry.logprob,
          top: (entry.top_logprobs ?? []).map((t) => ({ token: t.token, logprob: t.logprob })),
        }),
      );
    }
    if (extra.warnings.length > 0) response.warnings = extra.warnings;
    return response;
  }

  private classify(error: unknown): FailureParts {
    const where = this.settings.endpointLabel;
    if (error instanceof OpenAI.APIConnectionTimeoutError) {
      return { errorClass: "timeout", message: `${this.prefix()}: request to ${where} timed out` };
    }
    if (error instanceof OpenAI.APIError && typeof error.status === "number") {
      const detail = errorDetail(error);
      const errorClass = classifyHttpStatus(error.status, detail);
      const parts: FailureParts = {
        errorClass,
        status: error.status,
        message: `${this.prefix()}: HTTP ${error.status} from ${where}: ${truncateDetail(stripStatus(error.message))}${this.hintFor(error.status, errorClass)}`,
        requestId: error.requestID ?? undefined,
      };
      const retryAfterMs = parseRetryAfterMs(error.headers);
      if (retryAfterMs !== undefined) parts.retryAfterMs = retryAfterMs;
      return parts;
    }
    const networkClass = classifyNetworkError(error);
    if (networkClass) {
      return {
        errorClass: networkClass,
        message: `${this.prefix()}: could not reach ${where}: ${describeError(error)}`,
      };
    }
    // A 200 whose body is not JSON, or an SDK surprise: the server misbehaved.
    return {
      errorClass: "server",
      message: `${this.prefix()}: unexpected response from ${where}: ${describeError(error)}`,
    };
  }

  private hintFor(status: number, errorClass: string): string {
    const { model } = this.settings;
    if (errorClass === "auth") {
      return model.apiKeyEnv
        ? ` (check the key in ${model.apiKeyEnv})`
        : " (the endpoint wants a key: set api_key_env for this model in the models file)";
    }
    if (status === 404) {
      return ` (check the endpoint URL and that the server serves "${model.servedName}")`;
    }
    return "";
  }

  private prefix(): string {
    return `model "${this.settings.model.name}"`;
  }

  private fail(parts: FailureParts, started: number): ModelResponse {
    const scrubbed = { ...parts, message: this.settings.scrubber.scrub(parts.message) };
    return buildFailure(scrubbed, performance.now() - started);
  }
}

function pushOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

function stripStatus(message: string): string {
  return message.replace(/^\d{3}\s+/, "");
}

function errorDetail(error: InstanceType<typeof OpenAI.APIError>): string {
  return [error.code, error.type, error.param, error.message].filter(Boolean).join(" ");
}

export function normaliseFinishReason(reason: string | null | undefined): string {
  if (!reason) return "unknown";
  if (reason === "eos" || reason === "end_turn") return "stop";
  if (reason === "max_tokens") return "length";
  return reason;
}
