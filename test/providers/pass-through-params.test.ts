import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/catalog/index.js";
import { loadConfig } from "../../src/config/index.js";
import type { CatalogModel } from "../../src/core/types.js";
import { createModelClient } from "../../src/providers/index.js";
import { VALID_FILES, writeTempConfig } from "../config/temp-config.js";
import { type StubServer, sendJson, startStubServer } from "./stub-server.js";
import { chatRequest, SECRET_KEY } from "./test-models.js";

/** The params a models.yaml entry takes, as the catalog resolves them from a real file. */
async function modelFromYaml(modelsYaml: string, name: string): Promise<CatalogModel> {
  const config = await writeTempConfig({
    "models.yaml": modelsYaml,
    "evalgate.yaml": VALID_FILES["evalgate.yaml"]!.replace(
      "models: [mistral-local, mixtral-local]",
      `models: [${name}]\n    allow_incompatible: true`,
    ),
  });
  try {
    return buildCatalog(await loadConfig(config.entry)).models.get(name)!;
  } finally {
    await config.cleanup();
  }
}

const JUDGE = `  - name: judge-model
    family: claude_3
    identifier: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
    region: us-east-1
    role: judge
`;

describe("models.yaml params reach an OpenAI-compatible server through the openai SDK", () => {
  let server: StubServer;
  beforeAll(async () => {
    server = await startStubServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("sends the vLLM sampling parameters and merges extra_body into the body", async () => {
    const model = await modelFromYaml(
      `models:
  - name: mistral-local
    family: mistral
    identifier: custom_openai/mistralai/Mistral-7B-Instruct-v0.3
    endpoint: http://localhost:8000/v1
    api_key_env: VLLM_API_KEY
    params:
      temperature: 0.3
      top_k: 40
      top_p: 0.95
      min_p: 0.05
      stop: ["</answer>", "###"]
      seed: 7
      repetition_penalty: 1.1
      presence_penalty: 0.5
      frequency_penalty: -0.25
      extra_body:
        chat_template_kwargs: { enable_thinking: false }
        guided_choice: [yes, no]
        model: not-this-one
${JUDGE}`,
      "mistral-local",
    );
    server.handle((_req, res) =>
      sendJson(res, 200, {
        id: "c1",
        object: "chat.completion",
        created: 1,
        model: "m",
        choices: [
          { index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
    const client = createModelClient(
      { ...model, endpoint: `${server.url}/v1` },
      { env: { VLLM_API_KEY: SECRET_KEY } },
    );
    const response = await client.complete(chatRequest({ params: model.params }));
    expect(response.ok).toBe(true);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({
      model: "mistralai/Mistral-7B-Instruct-v0.3",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Say hi." },
      ],
      temperature: 0.3,
      top_k: 40,
      top_p: 0.95,
      min_p: 0.05,
      stop: ["</answer>", "###"],
      seed: 7,
      repetition_penalty: 1.1,
      presence_penalty: 0.5,
      frequency_penalty: -0.25,
      chat_template_kwargs: { enable_thinking: false },
      guided_choice: ["yes", "no"],
    });
  });
});

describe("models.yaml additionalModelRequestFields reach Bedrock Converse through the AWS SDK", () => {
  let server: StubServer;
  beforeAll(async () => {
    server = await startStubServer();
  });
  afterAll(() => server.close());

  it("passes them as additionalModelRequestFields next to inferenceConfig", async () => {
    const model = await modelFromYaml(
      `models:
  - name: claude-bedrock
    family: claude_3
    identifier: bedrock/anthropic.claude-3-5-haiku-20241022-v1:0
    region: us-east-1
    api_key_env: AWS_BEARER_TOKEN_BEDROCK
    params:
      max_tokens: 200
      additionalModelRequestFields:
        top_k: 50
        anthropic_beta: [token-efficient-tools-2025-02-19]
${JUDGE}`,
      "claude-bedrock",
    );
    server.handle((_req, res) =>
      sendJson(res, 200, {
        output: { message: { role: "assistant", content: [{ text: "ok" }] } },
        stopReason: "end_turn",
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      }),
    );
    const client = createModelClient(
      { ...model, endpoint: server.url },
      { env: { AWS_BEARER_TOKEN_BEDROCK: SECRET_KEY }, bedrockHttpVersion: "http1" },
    );
    const response = await client.complete(chatRequest({ params: model.params }));
    await client.close?.();
    expect(response.ok).toBe(true);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({
      system: [{ text: "You are terse." }],
      messages: [{ role: "user", content: [{ text: "Say hi." }] }],
      inferenceConfig: { maxTokens: 200 },
      additionalModelRequestFields: {
        top_k: 50,
        anthropic_beta: ["token-efficient-tools-2025-02-19"],
      },
    });
  });
});
