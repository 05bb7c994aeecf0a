import type {
  BedrockRuntimeClient,
  BedrockRuntimeClientConfig,
  ConverseCommandInput,
  ConverseCommandOutput,
  Message,
  SystemContentBlock,
} from "@aws-sdk/client-bedrock-runtime";
import { UserError } from "../core/errors.js";
import type {
  CatalogModel,
  ErrorClass,
  ModelClient,
  ModelRequest,
  ModelResponse,
} from "../core/types.js";
import type { SecretScrubber } from "./api-keys.js";
import { startDeadline } from "./call-deadline.js";
import {
  buildFailure,
  classifyHttpStatus,
  classifyNetworkError,
  describeError,
  type FailureParts,
  looksLikeContextTooLong,
  parseRetryAfterMs,
  truncateDetail,
} from "./error-classification.js";
import { endpointLabel } from "./openai-compatible-client.js";

/**
 * Amazon Bedrock through the Converse API. Credentials: the AWS default chain (env vars,
 * profiles, SSO, instance roles), or a Bedrock API key sent as a bearer token when the
 * catalog names `api_key_env`. The SDK's retries are off (`maxAttempts: 1`): the runner
 * owns retries.
 */

export type BedrockHttpVersion = "http1" | "http2";

export interface BedrockClientBuild {
  apiKey: string | undefined;
  endpoint: string | undefined;
  defaultTimeoutMs: number;
  scrubber: SecretScrubber;
  /**
   * Protocol for the endpoint. Default: HTTP/2 for https (what the SDK uses for
   * bedrock-runtime), HTTP/1.1 for a cleartext `http://` endpoint, since most private
   * proxies and test servers do not speak HTTP/2 without TLS.
   */
  httpVersion?: BedrockHttpVersion;
}

const EXCEPTION_CLASSES: Record<string, ErrorClass> = {
  ThrottlingException: "rate_limited",
  ServiceQuotaExceededException: "rate_limited",
  TooManyRequestsException: "rate_limited",
  AccessDeniedException: "auth",
  UnrecognizedClientException: "auth",
  ExpiredTokenException: "auth",
  InvalidSignatureException: "auth",
  ServiceUnavailableException: "server",
  InternalServerException: "server",
  ModelNotReadyException: "server",
  ModelErrorException: "server",
  ModelTimeoutException: "timeout",
  ResourceNotFoundException: "bad_request",
  ConflictException: "bad_request",
};

/**
 * The AWS SDK is loaded on the first Bedrock call, not at start-up: it is the largest module
 * evalgate has (~14 MB of heap), and most runs never call Bedrock.
 */
let sdkModules:
  | Promise<
      [typeof import("@aws-sdk/client-bedrock-runtime"), typeof import("@smithy/node-http-handler")]
    >
  | undefined;
function loadSdk() {
  sdkModules ??= Promise.all([
    import("@aws-sdk/client-bedrock-runtime"),
    import("@smithy/node-http-handler"),
  ]);
  return sdkModules;
}

export function createBedrockConverseClient(
  model: CatalogModel,
  build: BedrockClientBuild,
): ModelClient {
  if (!model.region) {
    throw new UserError(
      `Model "${model.name}" (${model.identifier}) is a Bedrock model and needs a region: add \`region: us-east-1\` (the region where the model is enabled) to it in the models file.`,
    );
  }
  return new BedrockConverseClient(model, build);
}

async function createSdkClient(
  region: string,
  build: BedrockClientBuild,
): Promise<{
  client: BedrockRuntimeClient;
  sdk: typeof import("@aws-sdk/client-bedrock-runtime");
}> {
  const [sdk, handlers] = await loadSdk();
  const isCleartext = build.endpoint?.startsWith("http://") ?? false;
  const httpVersion = build.httpVersion ?? (isCleartext ? "http1" : "http2");
  const config: BedrockRuntimeClientConfig = {
    region,
    maxAttempts: 1,
    requestHandler:
      httpVersion === "http2"
        ? new handlers.NodeHttp2Handler({ disableConcurrentStreams: true })
        : new handlers.NodeHttpHandler({ connectionTimeout: build.defaultTimeoutMs }),
  };
  if (build.endpoint) config.endpoint = build.endpoint;
  if (build.apiKey) {
    config.token = { token: build.apiKey };
    // The SDK tries SigV4 first; prefer the bearer token so no AWS credentials are needed.
    config.authSchemePreference = ["httpBearerAuth"];
  }
  return { client: new sdk.BedrockRuntimeClient(config), sdk };
}

// A model that rejects a forced tool (not every Bedrock model supports toolChoice) gets the prompt alone.
const MENTIONS_TOOLS = /tool/i;

class BedrockConverseClient implements ModelClient {
  private readonly where: string;
  // Remembered per client, so a model without forced tools costs one extra request, not one per call.
  private toolsUnsupported = false;

  private sdkClient: ReturnType<typeof createSdkClient> | undefined;

  constructor(
    private readonly model: CatalogModel,
    private readonly build: BedrockClientBuild,
  ) {
    this.where = build.endpoint ? endpointLabel(build.endpoint) : `Bedrock in ${model.region}`;
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const started = performance.now();
    const deadline = startDeadline(request, this.build.defaultTimeoutMs);
    try {
      this.sdkClient ??= createSdkClient(this.model.region!, this.build);
      const { client, sdk } = await this.sdkClient;
      const send = (useTool: boolean) =>
        client.send(new sdk.ConverseCommand(this.converseInput(request, useTool)), {
          abortSignal: deadline.signal,
          requestTimeout: deadline.timeoutMs + 1_000,
        });
      const useTool = request.responseFormat !== undefined && !this.toolsUnsupported;
      let output: ConverseCommandOutput;
      try {
        output = await send(useTool);
      } catch (error) {
        const name = (error as { name?: string })?.name;
        const message = (error as { message?: string })?.message ?? "";
        if (!useTool || name !== "ValidationException" || !MENTIONS_TOOLS.test(message)) {
          throw error;
        }
        this.toolsUnsupported = true;
        output = await send(false);
      }
      return this.toResponse(output, request, performance.now() - started);
    } catch (error) {
      const parts = deadline.failure() ?? this.classify(error);
      return buildFailure(
        { ...parts, message: this.build.scrubber.scrub(parts.message) },
        performance.now() - started,
      );
    } finally {
      deadline.dispose();
    }
  }

  async close(): Promise<void> {
    if (this.sdkClient) (await this.sdkClient).client.destroy();
  }

  /**
   * Structured output on Converse: one tool whose input schema is the requested JSON Schema,
   * and toolChoice forcing it, so the model's answer is the tool's input.
   */
  private converseInput(request: ModelRequest, useTool: boolean): ConverseCommandInput {
    const system: SystemContentBlock[] = [];
    const messages: Message[] = [];
    for (const message of request.messages) {
      // Converse rejects blank text blocks; an empty optional `assistant:` template is common.
      if (message.content.trim() === "") continue;
      if (message.role === "system") system.push({ text: message.content });
      else messages.push({ role: message.role, content: [{ text: message.content }] });
    }
    const last = messages.at(-1);
    const lastBlock = last?.content?.[0];
    // A prefilled assistant turn must not end in whitespace, or Bedrock answers 400.
    if (last?.role === "assistant" && lastBlock && "text" in lastBlock && lastBlock.text) {
      lastBlock.text = lastBlock.text.trimEnd();
    }
    const params = request.params;
    const inferenceConfig: NonNullable<ConverseCommandInput["inferenceConfig"]> = {};
    if (typeof params.max_tokens === "number") inferenceConfig.maxTokens = params.max_tokens;
    if (typeof params.temperature === "number") inferenceConfig.temperature = params.temperature;
    if (typeof params.top_p === "number") inferenceConfig.topP = params.top_p;
    if (Array.isArray(params.stop) && params.stop.length > 0) {
      inferenceConfig.stopSequences = params.stop;
    }
    const input: ConverseCommandInput = { modelId: this.model.servedName, messages };
    if (system.length > 0) input.system = system;
    if (Object.keys(inferenceConfig).length > 0) input.inferenceConfig = inferenceConfig;
    // Model-specific fields (Anthropic's top_k, …) that Converse forwards to the model.
    const extra = params["additionalModelRequestFields"];
    if (extra !== null && typeof extra === "object" && !Array.isArray(extra)) {
      input.additionalModelRequestFields = extra as never;
    }
    const format = request.responseFormat;
    if (useTool && format) {
      input.toolConfig = {
        tools: [
          {
            toolSpec: {
              name: format.name,
              description: "Record the answer in the required structure.",
              inputSchema: { json: format.schema as never },
            },
          },
        ],
        toolChoice: { tool: { name: format.name } },
      };
    }
    return input;
  }

  private toResponse(
    output: ConverseCommandOutput,
    request: ModelRequest,
    latencyMs: number,
  ): ModelResponse {
    const requestId = output.$metadata.requestId;
    const finishReason = normaliseStopReason(output.stopReason);
    if (finishReason === "content_filter") {
      return buildFailure(
        {
          errorClass: "content_filtered",
          message: `model "${this.model.name}": Bedrock stopped the response (stopReason ${output.stopReason})`,
          requestId,
        },
        latencyMs,
      );
    }
    const blocks = output.output?.message?.content ?? [];
    const toolUse = blocks.find((block) => "toolUse" in block && block.toolUse !== undefined);
    // A forced tool's input is the structured answer; it arrives parsed, so it is re-serialised.
    const text =
      toolUse && "toolUse" in toolUse
        ? JSON.stringify(toolUse.toolUse?.input ?? {})
        : blocks.map((block) => ("text" in block ? (block.text ?? "") : "")).join("");
    const usage = output.usage
      ? { inputTokens: output.usage.inputTokens ?? 0, outputTokens: output.usage.outputTokens ?? 0 }
      : undefined;
    const warnings: string[] = [];
    if (request.responseFormat && this.toolsUnsupported) {
      warnings.push(
        "Bedrock Converse: this model does not accept a forced tool; structured output sent as plain text",
      );
    }
    if (request.logprobs) warnings.push("Bedrock Converse does not return logprobs");
    const response: ModelResponse = { ok: true, text, finishReason, usage, latencyMs, requestId };
    if (warnings.length > 0) response.warnings = warnings;
    return response;
  }

  private classify(error: unknown): FailureParts {
    const prefix = `model "${this.model.name}"`;
    const e = error as {
      name?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number; requestId?: string };
      $response?: { headers?: Record<string, string> };
    };
    const status = e?.$metadata?.httpStatusCode;
    const requestId = e?.$metadata?.requestId;
    const name = e?.name ?? "Error";
    const detail = `${name}: ${e?.message ?? ""}`;
    if (name === "CredentialsProviderError" || name === "TokenProviderError") {
      return {
        errorClass: "auth",
        message: `${prefix}: no AWS credentials (${truncateDetail(detail)}); configure the AWS default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, …) or set api_key_env to a Bedrock API key variable`,
      };
    }
    let errorClass: ErrorClass | undefined = EXCEPTION_CLASSES[name];
    if (name === "ValidationException") {
      errorClass = looksLikeContextTooLong(detail) ? "context_too_long" : "bad_request";
    }
    if (!errorClass && typeof status === "number" && status >= 400) {
      errorClass = classifyHttpStatus(status, detail);
    }
    if (errorClass) {
      const parts: FailureParts = {
        errorClass,
        message: `${prefix}: ${status ? `HTTP ${status} ` : ""}from ${this.where}: ${truncateDetail(detail)}${errorClass === "auth" ? this.authHint() : ""}`,
        requestId,
      };
      if (status !== undefined) parts.status = status;
      const retryAfterMs = parseRetryAfterMs(e.$response?.headers);
      if (retryAfterMs !== undefined) parts.retryAfterMs = retryAfterMs;
      return parts;
    }
    const networkClass = classifyNetworkError(error);
    if (networkClass) {
      return {
        errorClass: networkClass,
        message: `${prefix}: could not reach ${this.where}: ${describeError(error)}`,
      };
    }
    return {
      errorClass: "server",
      message: `${prefix}: unexpected response from ${this.where}: ${describeError(error)}`,
      requestId,
    };
  }

  private authHint(): string {
    return this.model.apiKeyEnv
      ? ` (check the Bedrock API key in ${this.model.apiKeyEnv})`
      : " (check the AWS credentials of the default chain and that the model is enabled in this region)";
  }
}

export function normaliseStopReason(reason: string | undefined): string {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "content_filtered":
    case "guardrail_intervened":
      return "content_filter";
    case undefined:
      return "unknown";
    default:
      return reason;
  }
}
