import { AzureOpenAI } from "openai";
import { UserError } from "../core/errors.js";
import type { CatalogModel, ModelClient } from "../core/types.js";
import { OpenAIChatClient } from "./openai-chat-client.js";
import {
  endpointLabel,
  type OpenAIClientBuild,
  requireEndpoint,
  sharedSdkOptions,
} from "./openai-compatible-client.js";

/**
 * Azure OpenAI: the same chat-completions call, addressed by resource endpoint, deployment
 * (the identifier's served name) and API version. Azure's content filter answers either a
 * 400 with code `content_filter` or a completion with finish_reason `content_filter`; the
 * shared client maps both to `content_filtered`.
 */
export function createAzureOpenAIClient(
  model: CatalogModel,
  build: OpenAIClientBuild,
): ModelClient {
  const endpoint = requireEndpoint(model, build.endpoint, "https://<resource>.openai.azure.com");
  if (!model.apiVersion) {
    throw new UserError(
      `Model "${model.name}" (${model.identifier}) is an Azure OpenAI deployment and needs an API version: add \`api_version: 2024-10-21\` (or the version your resource supports) to it in the models file.`,
    );
  }
  if (!build.apiKey) {
    throw new UserError(
      `Model "${model.name}" (${model.identifier}) is an Azure OpenAI deployment and needs a key: add \`api_key_env: AZURE_OPENAI_API_KEY\` to it in the models file and export that variable.`,
    );
  }
  const sdk = new AzureOpenAI({
    ...sharedSdkOptions(build.defaultTimeoutMs),
    endpoint,
    apiVersion: model.apiVersion,
    deployment: model.servedName,
    apiKey: build.apiKey,
  });
  return new OpenAIChatClient({
    model,
    sdk,
    scrubber: build.scrubber,
    defaultTimeoutMs: build.defaultTimeoutMs,
    endpointLabel: endpointLabel(endpoint),
    sendSamplingExtras: false,
  });
}
