import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogModel, ModelFailure, ModelResponse } from "../../src/core/types.js";
import { loadPromptRegistry } from "../../src/prompts/index.js";
import { createModelClient } from "../../src/providers/index.js";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { catalogModel, chatRequest, SECRET_KEY } from "./test-models.js";

/**
 * Every provider kind through its real SDK against the team's simulator, with faults forced
 * (probability 1) per simulated model so each outcome is certain.
 */

const DEFINITIONS = join(import.meta.dirname, "..", "..", "config", "prompts");
let simulator: RunningSimulator;
const env = { SIM_KEY: SECRET_KEY, AWS_BEARER_TOKEN_BEDROCK: SECRET_KEY };

beforeAll(async () => {
  simulator = await startSimulator({
    // No `families`: the gateway endpoints know the built-in chains (mixtral -> mistral).
    definitionsDir: DEFINITIONS,
    profile: {
      defaults: { latency_ms: 0 },
      models: {
        healthy: { quality: 1 },
        "rate-limited": { faults: { rate_429: 1, retry_after_ms: 1500 } },
        "rate-limited-bare": { faults: { rate_429_no_retry_after: 1 } },
        "server-500": { faults: { server_500: 1 } },
        "server-503": { faults: { server_503: 1 } },
        resets: { faults: { reset: 1 } },
        hangs: { faults: { hang: 1, hang_ms: 600 } },
        malformed: { faults: { malformed: 1 } },
        filtered: { faults: { content_filter: 1 } },
        "plain-vllm": { supports: { json_schema: false, logprobs: false } },
        keyed: { api_key: SECRET_KEY },
        "anthropic.claude-3-haiku": { quality: 1 },
        "bedrock-throttled": { faults: { rate_429: 1 } },
        "bedrock-hangs": { faults: { hang: 1, hang_ms: 600 } },
      },
    },
  });
});
afterAll(async () => {
  await simulator.close();
});

function openai(servedName: string, overrides: Partial<CatalogModel> = {}): CatalogModel {
  return catalogModel({
    name: `sim-${servedName}`,
    identifier: `custom_openai/${servedName}`,
    servedName,
    endpoint: `${simulator.url}/v1`,
    ...overrides,
  });
}

function bedrock(modelId: string): CatalogModel {
  return catalogModel({
    name: `sim-${modelId}`,
    family: "claude_3",
    provider: "bedrock",
    identifier: `bedrock/${modelId}`,
    identifierPrefix: "bedrock",
    servedName: modelId,
    endpoint: simulator.url,
    region: "us-east-1",
    apiKeyEnv: "AWS_BEARER_TOKEN_BEDROCK",
  });
}

function failureOf(response: ModelResponse): ModelFailure {
  if (response.ok) throw new Error(`expected failure, got ${JSON.stringify(response)}`);
  return response;
}

const requestsFor = (name: string) => simulator.stats().models[name]?.requests ?? 0;

/** The simulator counts a hung request when its hang ends, after the client gave up. */
async function settledRequestsFor(name: string): Promise<number> {
  const deadline = Date.now() + 3_000;
  while (requestsFor(name) === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  return requestsFor(name);
}

describe("OpenAI-compatible client against the simulator", () => {
  it("answers with usage and a request id", async () => {
    const response = await createModelClient(openai("healthy")).complete(chatRequest());
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    expect(response.text.length).toBeGreaterThan(0);
    expect(response.usage?.inputTokens).toBeGreaterThan(0);
    expect(response.requestId).toBeTruthy();
  });

  const faults: [string, string, number | undefined][] = [
    ["rate-limited", "rate_limited", 1500],
    ["rate-limited-bare", "rate_limited", undefined],
    ["server-500", "server", undefined],
    ["server-503", "server", undefined],
    ["resets", "connection", undefined],
    ["malformed", "server", undefined],
  ];
  for (const [served, errorClass, retryAfterMs] of faults) {
    it(`${served} → ${errorClass} after exactly one request`, async () => {
      const failure = failureOf(await createModelClient(openai(served)).complete(chatRequest()));
      expect(failure.errorClass).toBe(errorClass);
      expect(failure.retryAfterMs).toBe(retryAfterMs);
      expect(requestsFor(served)).toBe(1);
    });
  }

  it("a hang past params.timeout → timeout after one request", async () => {
    const started = Date.now();
    const failure = failureOf(
      await createModelClient(openai("hangs")).complete(chatRequest({ params: { timeout: 0.3 } })),
    );
    expect(failure.errorClass).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await settledRequestsFor("hangs")).toBe(1);
  });

  it("falls back when json_schema and logprobs are unsupported, then skips them", async () => {
    const client = createModelClient(openai("plain-vllm"));
    const request = chatRequest({
      responseFormat: { type: "json_schema", name: "verdict", schema: { type: "object" } },
      logprobs: { topLogprobs: 2 },
    });
    const first = await client.complete(request);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.warnings).toEqual([
      "server does not support json_schema response_format; fell back to plain text",
      "server does not support logprobs; returned no logprobs",
    ]);
    const afterFirst = requestsFor("plain-vllm");
    expect(afterFirst).toBe(3);
    expect((await client.complete(request)).ok).toBe(true);
    expect(requestsFor("plain-vllm")).toBe(afterFirst + 1);
  });

  it("a wrong key → auth without the key in the message", async () => {
    const failure = failureOf(
      await createModelClient(openai("keyed", { apiKeyEnv: "SIM_KEY" }), {
        env: { SIM_KEY: "sk-wrong-key-123456" },
      }).complete(chatRequest()),
    );
    expect(failure.errorClass).toBe("auth");
    expect(failure.message).not.toContain("sk-wrong-key-123456");
    const ok = await createModelClient(openai("keyed", { apiKeyEnv: "SIM_KEY" }), { env }).complete(
      chatRequest(),
    );
    expect(ok.ok).toBe(true);
  });
});

describe("Azure OpenAI client against the simulator", () => {
  it("a filtered answer → content_filtered", async () => {
    const model = openai("filtered", {
      provider: "azure_openai",
      identifier: "azure/filtered",
      identifierPrefix: "azure",
      endpoint: simulator.url,
      apiVersion: "2024-10-21",
      apiKeyEnv: "SIM_KEY",
    });
    const failure = failureOf(await createModelClient(model, { env }).complete(chatRequest()));
    expect(failure.errorClass).toBe("content_filtered");
  });
});

describe("Bedrock client against the simulator", () => {
  for (const httpVersion of ["http2", "http1"] as const) {
    it(`answers over ${httpVersion}`, async () => {
      const client = createModelClient(bedrock("anthropic.claude-3-haiku"), {
        env,
        bedrockHttpVersion: httpVersion,
      });
      const response = await client.complete(chatRequest({ params: { max_tokens: 50 } }));
      expect(response).toMatchObject({ ok: true, finishReason: expect.any(String) });
      if (response.ok) expect(response.usage?.outputTokens).toBeGreaterThan(0);
      await client.close?.();
    });
  }

  it("throttling → rate_limited; a hang → timeout; one request each", async () => {
    const throttled = createModelClient(bedrock("bedrock-throttled"), { env });
    expect(failureOf(await throttled.complete(chatRequest())).errorClass).toBe("rate_limited");
    expect(requestsFor("bedrock-throttled")).toBe(1);
    const hangs = createModelClient(bedrock("bedrock-hangs"), { env, bedrockHttpVersion: "http2" });
    const failure = failureOf(await hangs.complete(chatRequest({ params: { timeout: 0.3 } })));
    expect(failure.errorClass).toBe("timeout");
    expect(await settledRequestsFor("bedrock-hangs")).toBe(1);
    await throttled.close?.();
    await hangs.close?.();
  });
});

describe("AI gateway client against the simulator", () => {
  const model = catalogModel({
    name: "mixtral-vllm",
    family: "mixtral",
    familyChain: ["mixtral", "mistral"],
    identifier: "custom_openai/mistralai/Mixtral-8x7B-Instruct-v0.1",
    servedName: "mistralai/Mixtral-8x7B-Instruct-v0.1",
    endpoint: "http://vllm.internal:8000/v1",
  });
  const inputs = { selected_text: "x = 1", language: "Python", file_name: "a.py", question: "" };

  for (const apiVersion of [2, 1] as const) {
    it(`v${apiVersion}: renders through the gateway and answers`, async () => {
      const client = createModelClient(model, { gateway: { url: simulator.url, apiVersion } });
      const response = await client.complete(
        chatRequest({
          gatewayPrompt: { promptId: "chat/explain_code", promptVersion: "^1.0.0", inputs },
        }),
      );
      expect(response.ok).toBe(true);
      if (!response.ok) return;
      expect(response.text.length).toBeGreaterThan(0);
      if (apiVersion === 2) expect(response.usage?.inputTokens).toBeGreaterThan(0);
    });
  }

  it("renders from the family's folder and answers as the model the identifier names", async () => {
    const gatewayResponse = await createModelClient(model, {
      gateway: { url: simulator.url, apiVersion: 2 },
    }).complete(
      chatRequest({
        gatewayPrompt: { promptId: "chat/explain_code", promptVersion: "^1.0.0", inputs },
      }),
    );
    if (!gatewayResponse.ok) throw new Error(gatewayResponse.message);
    // The same served model asked directly with each candidate rendering: a simulated answer
    // is a function of the model and the messages, so the match shows which was rendered.
    const registry = await loadPromptRegistry(DEFINITIONS);
    const direct = async (chain: string[]) => {
      const prompt = registry.render(registry.resolve("chat/explain_code", chain), inputs);
      expect(prompt.file).toBe(`chat/explain_code/${chain[0] ?? "base"}/1.0.0.yml`);
      const response = await createModelClient({
        ...model,
        endpoint: `${simulator.url}/v1`,
      }).complete(chatRequest({ messages: prompt.messages, params: prompt.params }));
      if (!response.ok) throw new Error(response.message);
      return response.text;
    };
    // chat/explain_code has no mixtral folder: mixtral falls back to mistral's, not base.
    expect(gatewayResponse.text).toBe(await direct(["mistral"]));
    expect(gatewayResponse.text).not.toBe(await direct([]));
    expect(requestsFor("mixtral")).toBe(0);
  });

  it("an unknown prompt id → bad_request naming the prompt", async () => {
    const client = createModelClient(model, { gateway: { url: simulator.url, apiVersion: 2 } });
    const failure = failureOf(
      await client.complete(
        chatRequest({ gatewayPrompt: { promptId: "chat/nope", promptVersion: "^1.0.0", inputs } }),
      ),
    );
    expect(failure).toMatchObject({ errorClass: "bad_request", status: 404 });
    expect(failure.message).toContain('"chat/nope"');
  });
});
