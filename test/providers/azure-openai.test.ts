import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import type { ModelResponse } from "../../src/core/types.js";
import { createModelClient } from "../../src/providers/index.js";
import { type StubServer, sendJson, startStubServer } from "./stub-server.js";
import { catalogModel, chatRequest, SECRET_KEY } from "./test-models.js";

let server: StubServer;
const env = { AZURE_OPENAI_API_KEY: SECRET_KEY };

beforeAll(async () => {
  server = await startStubServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

function azureModel(overrides: Parameters<typeof catalogModel>[0] = {}) {
  return catalogModel({
    name: "gpt-4o-azure",
    family: "gpt",
    familyChain: ["gpt"],
    provider: "azure_openai",
    identifier: "azure/gpt-4o-prod",
    identifierPrefix: "azure",
    servedName: "gpt-4o-prod",
    endpoint: server.url,
    apiKeyEnv: "AZURE_OPENAI_API_KEY",
    apiVersion: "2024-10-21",
    ...overrides,
  });
}

function failureOf(response: ModelResponse) {
  if (response.ok) throw new Error(`expected failure, got ${JSON.stringify(response)}`);
  return response;
}

describe("Azure OpenAI client", () => {
  it("calls the deployment route with api-version and api-key, and maps the answer", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        200,
        {
          id: "x",
          object: "chat.completion",
          created: 1,
          model: "gpt-4o",
          choices: [
            { index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" },
          ],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        },
        { "apim-request-id": "apim-1", "x-request-id": "azure-req-1" },
      ),
    );
    const response = await createModelClient(azureModel(), { env }).complete(
      chatRequest({ params: { temperature: 0, top_k: 5 } }),
    );
    expect(response).toMatchObject({
      ok: true,
      text: "ok",
      finishReason: "stop",
      usage: { inputTokens: 5, outputTokens: 1 },
      requestId: "azure-req-1",
    });
    const request = server.requests[0]!;
    expect(request.url).toBe(
      "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21",
    );
    expect(request.headers["api-key"]).toBe(SECRET_KEY);
    expect(JSON.parse(request.body)).not.toHaveProperty("top_k");
  });

  it("a 400 with code content_filter → content_filtered, key scrubbed", async () => {
    server.handle((req, res) =>
      sendJson(res, 400, {
        error: {
          code: "content_filter",
          message: `The response was filtered due to the prompt triggering Azure OpenAI's content management policy (key ${req.headers["api-key"]})`,
          innererror: { code: "ResponsibleAIPolicyViolation" },
        },
      }),
    );
    const failure = failureOf(
      await createModelClient(azureModel(), { env }).complete(chatRequest()),
    );
    expect(failure.errorClass).toBe("content_filtered");
    expect(failure.status).toBe(400);
    expect(JSON.stringify(failure)).not.toContain(SECRET_KEY);
    expect(server.requests).toHaveLength(1);
  });

  it("finish_reason content_filter → content_filtered", async () => {
    server.handle((_req, res) =>
      sendJson(res, 200, {
        id: "x",
        object: "chat.completion",
        created: 1,
        model: "gpt-4o",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: null },
            finish_reason: "content_filter",
          },
        ],
      }),
    );
    const failure = failureOf(
      await createModelClient(azureModel(), { env }).complete(chatRequest()),
    );
    expect(failure.errorClass).toBe("content_filtered");
  });

  it("429 with retry-after-ms → rate_limited, no SDK retry", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        429,
        { error: { code: "429", message: "Rate limit" } },
        { "retry-after-ms": "250" },
      ),
    );
    const failure = failureOf(
      await createModelClient(azureModel(), { env }).complete(chatRequest()),
    );
    expect(failure).toMatchObject({ errorClass: "rate_limited", retryAfterMs: 250 });
    expect(server.requests).toHaveLength(1);
  });

  it("missing api_version or key is a UserError at creation", () => {
    expect(() => createModelClient(azureModel({ apiVersion: undefined }), { env })).toThrow(
      /gpt-4o-azure.*api_version/,
    );
    expect(() => createModelClient(azureModel(), { env: {} })).toThrow(UserError);
    expect(() => createModelClient(azureModel(), { env: {} })).toThrow(/AZURE_OPENAI_API_KEY/);
    expect(() => createModelClient(azureModel({ apiKeyEnv: undefined }), { env })).toThrow(
      /api_key_env/,
    );
  });
});
