import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import type { ModelFailure, ModelRequest, ModelResponse } from "../../src/core/types.js";
import { createModelClient, type GatewaySettings } from "../../src/providers/index.js";
import { closedPort, type StubServer, sendJson, startStubServer } from "./stub-server.js";
import { catalogModel, chatRequest, SECRET_KEY } from "./test-models.js";

const GATEWAY_TOKEN = "aigw-token-0a1b2c3d4e5f-secret";
const env = { VLLM_API_KEY: SECRET_KEY, AIGW_TOKEN: GATEWAY_TOKEN };

let server: StubServer;
beforeAll(async () => {
  server = await startStubServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

const model = () =>
  catalogModel({
    name: "mixtral-vllm",
    family: "mixtral",
    familyChain: ["mixtral", "mistral"],
    identifier: "custom_openai/mistralai/Mixtral-8x7B-Instruct-v0.1",
    servedName: "mistralai/Mixtral-8x7B-Instruct-v0.1",
    endpoint: "http://vllm.internal:8000/v1",
    apiKeyEnv: "VLLM_API_KEY",
  });

function gatewayClient(settings: Partial<GatewaySettings> = {}) {
  return createModelClient(model(), {
    env,
    gateway: { url: server.url, apiVersion: 2, tokenEnv: "AIGW_TOKEN", ...settings },
  });
}

const gatewayRequest = (overrides: Partial<ModelRequest> = {}): ModelRequest =>
  chatRequest({
    gatewayPrompt: {
      promptId: "code_suggestions/generations",
      promptVersion: "^1.0.0",
      inputs: { instruction: "write fizzbuzz", language: "python" },
    },
    ...overrides,
  });

function failureOf(response: ModelResponse): ModelFailure {
  if (response.ok) throw new Error(`expected failure, got ${JSON.stringify(response)}`);
  return response;
}

describe("AI gateway client", () => {
  it("v2: posts inputs, version and model metadata with the token; reads {content, usage}", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        200,
        { content: "def fizzbuzz(): ...", usage: { input_tokens: 40, output_tokens: 9 } },
        { "x-request-id": "gw-1" },
      ),
    );
    const response = await gatewayClient().complete(gatewayRequest());
    expect(response).toMatchObject({
      ok: true,
      text: "def fizzbuzz(): ...",
      usage: { inputTokens: 40, outputTokens: 9 },
      requestId: "gw-1",
    });
    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v2/prompts/code_suggestions/generations");
    expect(request.headers["authorization"]).toBe(`Bearer ${GATEWAY_TOKEN}`);
    expect(JSON.parse(request.body)).toEqual({
      inputs: { instruction: "write fizzbuzz", language: "python" },
      prompt_version: "^1.0.0",
      model_metadata: {
        provider: "custom_openai",
        name: "mixtral",
        endpoint: "http://vllm.internal:8000/v1",
        api_key: SECRET_KEY,
        identifier: "custom_openai/mistralai/Mixtral-8x7B-Instruct-v0.1",
      },
    });
  });

  it("v2: usage keyed by model name is summed", async () => {
    server.handle((_req, res) =>
      sendJson(res, 200, {
        content: "x",
        usage: { "mixtral-8x7b": { input_tokens: 3, output_tokens: 2 } },
      }),
    );
    const response = await gatewayClient().complete(gatewayRequest());
    expect(response).toMatchObject({ ok: true, usage: { inputTokens: 3, outputTokens: 2 } });
  });

  it("v1: posts to /v1/prompts and reads a bare JSON string", async () => {
    server.handle((_req, res) => sendJson(res, 200, "print('hi')"));
    const response = await gatewayClient({ apiVersion: 1 }).complete(gatewayRequest());
    expect(response).toMatchObject({ ok: true, text: "print('hi')", usage: undefined });
    expect(server.requests[0]!.url).toBe("/v1/prompts/code_suggestions/generations");
  });

  it("a v2 body without content → server", async () => {
    server.handle((_req, res) => sendJson(res, 200, { text: "wrong shape" }));
    expect(failureOf(await gatewayClient().complete(gatewayRequest())).errorClass).toBe("server");
  });

  const cases: [number, unknown, string, RegExp][] = [
    [
      404,
      { detail: "Prompt not found" },
      "bad_request",
      /does not know prompt "code_suggestions\/generations"/,
    ],
    [
      422,
      { detail: "'instruction' is undefined" },
      "bad_request",
      /refused to render prompt .*This is a configuration problem/,
    ],
    [
      421,
      { detail: "endpoint not allowed" },
      "bad_request",
      /refused the model endpoint http:\/\/vllm\.internal:8000\/v1/,
    ],
    [401, { detail: "Unauthorized" }, "auth", /check AIGW_TOKEN/],
    [403, { detail: "Forbidden" }, "auth", /check AIGW_TOKEN/],
    [400, { detail: "bad model" }, "bad_request", /rejected the request/],
    [500, { detail: "boom" }, "server", /boom/],
  ];
  for (const [status, body, errorClass, message] of cases) {
    it(`HTTP ${status} → ${errorClass} with a message that says what to fix`, async () => {
      server.handle((_req, res) => sendJson(res, status, body));
      const failure = failureOf(await gatewayClient().complete(gatewayRequest()));
      expect(failure.errorClass).toBe(errorClass);
      expect(failure.status).toBe(status);
      expect(failure.message).toMatch(message);
      // The Fetch standard re-sends a request once on a new connection after a 421.
      expect(server.requests).toHaveLength(status === 421 ? 2 : 1);
    });
  }

  it("429 with Retry-After → rate_limited with retryAfterMs", async () => {
    server.handle((_req, res) => sendJson(res, 429, { detail: "slow" }, { "retry-after": "2" }));
    expect(failureOf(await gatewayClient().complete(gatewayRequest()))).toMatchObject({
      errorClass: "rate_limited",
      retryAfterMs: 2000,
    });
  });

  it("never returns the model key or the gateway token, even when echoed", async () => {
    server.handle((req, res) =>
      sendJson(res, 422, { detail: `got ${req.headers["authorization"]} with ${req.body}` }),
    );
    const failure = failureOf(await gatewayClient().complete(gatewayRequest()));
    const serialised = JSON.stringify(failure);
    expect(serialised).toContain("[redacted]");
    expect(serialised).not.toContain(SECRET_KEY);
    expect(serialised).not.toContain(GATEWAY_TOKEN);
  });

  it("a hang past params.timeout → timeout; an abort → connection 'aborted'", async () => {
    server.handle(() => {});
    const timedOut = failureOf(
      await gatewayClient().complete(gatewayRequest({ params: { timeout: 0.2 } })),
    );
    expect(timedOut.errorClass).toBe("timeout");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const aborted = failureOf(
      await gatewayClient().complete(gatewayRequest({ signal: controller.signal })),
    );
    expect(aborted).toMatchObject({ errorClass: "connection", message: "aborted" });
  });

  it("connection refused → connection", async () => {
    const port = await closedPort();
    const failure = failureOf(
      await createModelClient(model(), {
        env,
        gateway: { url: `http://127.0.0.1:${port}`, apiVersion: 2 },
      }).complete(gatewayRequest()),
    );
    expect(failure.errorClass).toBe("connection");
  });

  it("a request without gatewayPrompt → bad_request", async () => {
    const failure = failureOf(await gatewayClient().complete(chatRequest()));
    expect(failure.errorClass).toBe("bad_request");
    expect(server.requests).toHaveLength(0);
  });

  it("a missing token variable is a UserError at creation naming it", () => {
    const create = () =>
      createModelClient(model(), {
        env: { VLLM_API_KEY: SECRET_KEY },
        gateway: { url: server.url, apiVersion: 2, tokenEnv: "AIGW_TOKEN" },
      });
    expect(create).toThrow(UserError);
    expect(create).toThrow(/AIGW_TOKEN.*not set/);
  });
});

describe("caller deadlines", () => {
  it("a caller signal that aborts with a TimeoutError → timeout, not 'aborted'", async () => {
    server.handle(() => {});
    const failure = failureOf(
      await gatewayClient().complete(gatewayRequest({ signal: AbortSignal.timeout(100) })),
    );
    expect(failure.errorClass).toBe("timeout");
    expect(failure.message).toContain("caller's deadline");
  });
});
