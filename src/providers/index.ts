import { UserError } from "../core/errors.js";
import type { CatalogModel, ModelClient } from "../core/types.js";
import { modelApiKey, requireEnvSecret, SecretScrubber } from "./api-keys.js";
import { createAzureOpenAIClient } from "./azure-openai-client.js";
import { type BedrockHttpVersion, createBedrockConverseClient } from "./bedrock-converse-client.js";
import { DEFAULT_TIMEOUT_MS } from "./call-deadline.js";
import { createGatewayClient, type GatewaySettings } from "./gateway-client.js";
import { createOpenAICompatibleClient } from "./openai-compatible-client.js";

/**
 * One `ModelClient` per catalog model. `complete` never throws for a failed call: failures
 * come back as a `ModelFailure` with a normalised `errorClass`, and the runner alone decides
 * what to retry (every SDK's own retries are off). Keys are read here, at creation, from
 * the environment variables the catalog names, so a missing key stops the run up front.
 */

export type { BedrockHttpVersion } from "./bedrock-converse-client.js";
export { DEFAULT_TIMEOUT_MS, timeoutMsFor } from "./call-deadline.js";
export {
  classifyHttpStatus,
  classifyNetworkError,
  parseRetryAfterMs,
} from "./error-classification.js";
export type { GatewaySettings } from "./gateway-client.js";

export interface CreateModelClientOptions {
  /** Route this model through the AI gateway (suites with `via_gateway: true`). */
  gateway?: GatewaySettings;
  /** Where keys are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Send requests here instead of `model.endpoint` (the simulator, a private endpoint).
   * In gateway mode it replaces the model endpoint the gateway is told to call.
   */
  endpointOverride?: string;
  /** Per-call timeout when `params.timeout` is not set; default 60 s. */
  defaultTimeoutMs?: number;
  /** Bedrock only: HTTP/2 or HTTP/1.1 (default: HTTP/2 for https, HTTP/1.1 for http). */
  bedrockHttpVersion?: BedrockHttpVersion;
}

export function createModelClient(
  model: CatalogModel,
  options: CreateModelClientOptions = {},
): ModelClient {
  const env = options.env ?? process.env;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const apiKey = modelApiKey(model, env);
  const endpoint = options.endpointOverride ?? model.endpoint;

  if (options.gateway) {
    const { gateway } = options;
    const gatewayToken = gateway.tokenEnv
      ? requireEnvSecret(env, gateway.tokenEnv, "The AI gateway (evalgate.yaml)", "token_env")
      : undefined;
    return createGatewayClient(model, {
      gateway,
      gatewayToken,
      apiKey,
      modelEndpoint: endpoint,
      defaultTimeoutMs,
      scrubber: new SecretScrubber([apiKey, gatewayToken]),
    });
  }

  const scrubber = new SecretScrubber([apiKey]);
  switch (model.provider) {
    case "openai_compatible":
      return createOpenAICompatibleClient(model, { apiKey, endpoint, defaultTimeoutMs, scrubber });
    case "azure_openai":
      return createAzureOpenAIClient(model, { apiKey, endpoint, defaultTimeoutMs, scrubber });
    case "bedrock": {
      const build = { apiKey, endpoint, defaultTimeoutMs, scrubber };
      return createBedrockConverseClient(
        model,
        options.bedrockHttpVersion ? { ...build, httpVersion: options.bedrockHttpVersion } : build,
      );
    }
    case "gateway":
      throw new UserError(
        `Model "${model.name}" is reached through the AI gateway, but no gateway is configured: add a \`gateway:\` section (url, api_version, token_env) to evalgate.yaml.`,
      );
  }
}
