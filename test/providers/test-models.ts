import type { CatalogModel, ModelRequest } from "../../src/core/types.js";

/** Catalog models as the catalog stage would resolve them, pointed at test servers. */
export function catalogModel(overrides: Partial<CatalogModel> = {}): CatalogModel {
  return {
    name: "mistral-7b-vllm",
    family: "mistral",
    familyChain: ["mistral"],
    provider: "openai_compatible",
    endpoint: undefined,
    identifier: "custom_openai/mistralai/Mistral-7B-Instruct-v0.3",
    identifierPrefix: "custom_openai",
    servedName: "mistralai/Mistral-7B-Instruct-v0.3",
    apiKeyEnv: undefined,
    region: undefined,
    apiVersion: undefined,
    params: {},
    limits: { concurrency: 4 },
    prices: undefined,
    ...overrides,
  };
}

export function chatRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Say hi." },
    ],
    params: {},
    ...overrides,
  };
}

/** A key long and odd enough that finding it anywhere means it leaked. */
export const SECRET_KEY = "sk-test-9f8e7d6c5b4a39281706-secret";
