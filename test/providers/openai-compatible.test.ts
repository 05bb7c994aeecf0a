import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import type { ModelFailure, ModelResponse, ModelSuccess } from "../../src/core/types.js";
import { createModelClient } from "../../src/providers/index.js";
import {
  closedPort,
  type RecordedRequest,
  resetConnection,
  type StubServer,
  sendJson,
  startStubServer,
} from "./stub-server.js";
import { catalogModel, chatRequest, SECRET_KEY } from "./test-models.js";

function completion(overrides: Record<string, unknown> = {}, choice: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "m",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "hi" },
        finish_reason: "stop",
        ...choice,
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    ...overrides,
  };
}

function expectFailure(response: ModelResponse): ModelFailure {
  if (response.ok) throw new Error(`expected a failure, got ${JSON.stringify(response)}`);
  return response;
}

function expectSuccess(response: ModelResponse): ModelSuccess {
  if (!response.ok) throw new Error(`expected success, got ${JSON.stringify(response)}`);
  return response;
}

let server: StubServer;
const env = { VLLM_API_KEY: SECRET_KEY };

beforeAll(async () => {
  server = await startStubServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

function client(overrides: Parameters<typeof catalogModel>[0] = {}) {
  return createModelClient(
    catalogModel({ endpoint: `${server.url}/v1`, apiKeyEnv: "VLLM_API_KEY", ...overrides }),
    { env },
  );
}

function lastBody(): Record<string, unknown> {
  const request = server.requests.at(-1) as RecordedRequest;
  return JSON.parse(request.body) as Record<string, unknown>;
}

describe("OpenAI-compatible client: success", () => {
  it("maps text, finish reason, usage and request id, and sends served name and params", async () => {
    server.handle((_req, res) => sendJson(res, 200, completion(), { "x-request-id": "req-123" }));
    const response = expectSuccess(
      await client().complete(
        chatRequest({
          params: {
            temperature: 0.2,
            max_tokens: 64,
            top_p: 0.9,
            stop: ["</answer>"],
            top_k: 40,
            timeout: 30,
            model_class_provider: "litellm",
          },
        }),
      ),
    );
    expect(response).toMatchObject({
      text: "hi",
      finishReason: "stop",
      usage: { inputTokens: 12, outputTokens: 3 },
      requestId: "req-123",
    });
    expect(response.latencyMs).toBeGreaterThan(0);
    const request = server.requests[0]!;
    expect(request.url).toBe("/v1/chat/completions");
    expect(request.headers["authorization"]).toBe(`Bearer ${SECRET_KEY}`);
    expect(lastBody()).toEqual({
      model: "mistralai/Mistral-7B-Instruct-v0.3",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Say hi." },
      ],
      temperature: 0.2,
      max_tokens: 64,
      top_p: 0.9,
      stop: ["</answer>"],
      top_k: 40,
    });
  });

  it("does not send vLLM sampling extras to OpenAI itself", async () => {
    server.handle((_req, res) => sendJson(res, 200, completion()));
    await client({
      identifierPrefix: "openai",
      identifier: "openai/gpt-4o",
      servedName: "gpt-4o",
    }).complete(chatRequest({ params: { top_k: 40, temperature: 0 } }));
    expect(lastBody()).not.toHaveProperty("top_k");
    expect(lastBody()["temperature"]).toBe(0);
  });

  it("sends a placeholder key when the catalog names no key variable", async () => {
    server.handle((_req, res) => sendJson(res, 200, completion()));
    expectSuccess(await client({ apiKeyEnv: undefined }).complete(chatRequest()));
    expect(server.requests[0]!.headers["authorization"]).toBe("Bearer evalgate-no-key");
  });

  it("normalises finish reasons (length) and maps logprobs when supported", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        200,
        completion(
          {},
          {
            finish_reason: "length",
            logprobs: {
              content: [
                {
                  token: "hi",
                  logprob: -0.1,
                  bytes: null,
                  top_logprobs: [
                    { token: "hi", logprob: -0.1, bytes: null },
                    { token: "hey", logprob: -2.5, bytes: null },
                  ],
                },
              ],
            },
          },
        ),
      ),
    );
    const response = expectSuccess(
      await client().complete(chatRequest({ logprobs: { topLogprobs: 2 } })),
    );
    expect(response.finishReason).toBe("length");
    expect(response.logprobs).toEqual([
      {
        token: "hi",
        logprob: -0.1,
        top: [
          { token: "hi", logprob: -0.1 },
          { token: "hey", logprob: -2.5 },
        ],
      },
    ]);
    expect(lastBody()).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(response.warnings).toBeUndefined();
  });
});

describe("OpenAI-compatible client: fallbacks for unsupported features", () => {
  it("retries once without json_schema, warns, and skips it on later calls", async () => {
    server.handle((req, res) => {
      if (JSON.parse(req.body).response_format) {
        // vLLM's older error shape: no {"error": {...}} wrapper.
        sendJson(res, 400, {
          object: "error",
          message: "response_format json_schema is not supported",
          type: "BadRequestError",
          code: 400,
        });
      } else sendJson(res, 200, completion());
    });
    const c = client();
    const request = chatRequest({
      responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" } },
    });
    const first = expectSuccess(await c.complete(request));
    expect(first.warnings).toEqual([
      "server does not support json_schema response_format; fell back to plain text",
    ]);
    expect(server.requests).toHaveLength(2);
    expect(JSON.parse(server.requests[0]!.body).response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "answer", schema: { type: "object" }, strict: true },
    });
    const second = expectSuccess(await c.complete(request));
    expect(second.warnings).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
    expect(lastBody()).not.toHaveProperty("response_format");
  });

  it("retries once without logprobs and warns", async () => {
    server.handle((req, res) => {
      if (JSON.parse(req.body).logprobs) {
        sendJson(res, 400, { error: { message: "logprobs is not supported by this model" } });
      } else sendJson(res, 200, completion());
    });
    const c = client();
    const response = expectSuccess(await c.complete(chatRequest({ logprobs: { topLogprobs: 3 } })));
    expect(response.logprobs).toBeUndefined();
    expect(response.warnings).toEqual(["server does not support logprobs; returned no logprobs"]);
    expect(server.requests).toHaveLength(2);
  });

  it("does not fall back on an unrelated 400", async () => {
    server.handle((_req, res) =>
      sendJson(res, 400, { error: { message: "temperature must be at most 2" } }),
    );
    const failure = expectFailure(
      await client().complete(
        chatRequest({ responseFormat: { type: "json_schema", name: "a", schema: {} } }),
      ),
    );
    expect(failure.errorClass).toBe("bad_request");
    expect(failure.status).toBe(400);
    expect(failure.message).toContain("temperature must be at most 2");
    expect(server.requests).toHaveLength(1);
  });
});

describe("OpenAI-compatible client: error classes", () => {
  const cases: [string, number, unknown, string][] = [
    ["server 500", 500, { error: { message: "boom" } }, "server"],
    ["server 503", 503, { error: { message: "overloaded" } }, "server"],
    ["auth 401", 401, { error: { message: "invalid api key" } }, "auth"],
    ["auth 403", 403, { error: { message: "forbidden" } }, "auth"],
    ["bad request 400", 400, { error: { message: "bad stop" } }, "bad_request"],
    ["bad request 404", 404, { error: { message: "model not found" } }, "bad_request"],
    ["bad request 422", 422, { detail: [{ msg: "field required" }] }, "bad_request"],
    [
      "context too long (OpenAI code)",
      400,
      { error: { message: "too big", code: "context_length_exceeded" } },
      "context_too_long",
    ],
    [
      "context too long (vLLM message)",
      400,
      {
        object: "error",
        message: "This model's maximum context length is 4096 tokens. However, you requested 5000",
      },
      "context_too_long",
    ],
    [
      "content filter",
      400,
      { error: { message: "filtered", code: "content_filter" } },
      "content_filtered",
    ],
  ];
  for (const [label, status, body, errorClass] of cases) {
    it(`${label} → ${errorClass}, one request only`, async () => {
      server.handle((_req, res) => sendJson(res, status, body, { "x-request-id": "req-e" }));
      const failure = expectFailure(await client().complete(chatRequest()));
      expect(failure.errorClass).toBe(errorClass);
      expect(failure.status).toBe(status);
      expect(failure.requestId).toBe("req-e");
      expect(failure.message).toContain("mistral-7b-vllm");
      expect(server.requests).toHaveLength(1);
    });
  }

  it("rate limited with Retry-After seconds, retry-after-ms, an HTTP-date, or nothing", async () => {
    const variants: [Record<string, string>, (ms: number | undefined) => void][] = [
      [{ "retry-after": "7" }, (ms) => expect(ms).toBe(7000)],
      [{ "retry-after-ms": "1500", "retry-after": "2" }, (ms) => expect(ms).toBe(1500)],
      [
        { "retry-after": new Date(Date.now() + 30_000).toUTCString() },
        (ms) => {
          expect(ms).toBeGreaterThan(27_000);
          expect(ms).toBeLessThanOrEqual(30_000);
        },
      ],
      [{}, (ms) => expect(ms).toBeUndefined()],
    ];
    for (const [headers, check] of variants) {
      server.requests.length = 0;
      server.handle((_req, res) =>
        sendJson(res, 429, { error: { message: "slow down" } }, headers),
      );
      const failure = expectFailure(await client().complete(chatRequest()));
      expect(failure.errorClass).toBe("rate_limited");
      check(failure.retryAfterMs);
      expect(server.requests).toHaveLength(1);
    }
  });

  it("a server that hangs past params.timeout → timeout, quickly, with one request", async () => {
    server.handle(() => {
      // never answers
    });
    const started = Date.now();
    const failure = expectFailure(
      await client().complete(chatRequest({ params: { timeout: 0.3 } })),
    );
    expect(failure.errorClass).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(failure.latencyMs).toBeGreaterThanOrEqual(250);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests).toHaveLength(1);
  });

  it("uses defaultTimeoutMs when params.timeout is absent", async () => {
    server.handle(() => {});
    const c = createModelClient(catalogModel({ endpoint: `${server.url}/v1` }), {
      defaultTimeoutMs: 200,
    });
    const failure = expectFailure(await c.complete(chatRequest()));
    expect(failure.errorClass).toBe("timeout");
    expect(failure.latencyMs).toBeLessThan(1_500);
  });

  it("a caller abort → connection with message 'aborted'", async () => {
    server.handle(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const failure = expectFailure(
      await client().complete(chatRequest({ signal: controller.signal })),
    );
    expect(failure).toMatchObject({ errorClass: "connection", message: "aborted" });
  });

  it("a connection reset → connection", async () => {
    server.handle((_req, res) => resetConnection(res));
    const failure = expectFailure(await client().complete(chatRequest()));
    expect(failure.errorClass).toBe("connection");
    expect(server.requests).toHaveLength(1);
  });

  it("connection refused → connection", async () => {
    const port = await closedPort();
    const c = createModelClient(catalogModel({ endpoint: `http://127.0.0.1:${port}/v1` }));
    const failure = expectFailure(await c.complete(chatRequest()));
    expect(failure.errorClass).toBe("connection");
    expect(failure.message).toContain(`127.0.0.1:${port}`);
  });

  it("a 200 with a body that is not JSON → server", async () => {
    server.handle((_req, res) => {
      res.statusCode = 200;
      res.setHeader("content-type", "application/json");
      res.end('{"choices": [');
    });
    const failure = expectFailure(await client().complete(chatRequest()));
    expect(failure.errorClass).toBe("server");
  });

  it("finish_reason content_filter → content_filtered", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        200,
        completion({}, { finish_reason: "content_filter", message: { content: "" } }),
      ),
    );
    const failure = expectFailure(await client().complete(chatRequest()));
    expect(failure.errorClass).toBe("content_filtered");
  });
});

describe("OpenAI-compatible client: secrets", () => {
  it("never returns the key, even when the server echoes it back", async () => {
    for (const status of [400, 401, 500, 429]) {
      server.handle((req, res) =>
        sendJson(res, status, {
          error: { message: `you sent ${req.headers["authorization"]} and ${req.body}` },
        }),
      );
      const failure = expectFailure(await client().complete(chatRequest()));
      expect(failure.message).toContain("[redacted]");
      expect(JSON.stringify(failure)).not.toContain(SECRET_KEY);
    }
  });

  it("a missing key variable is a UserError at creation naming the variable and the model", () => {
    const create = () =>
      createModelClient(
        catalogModel({ endpoint: "http://127.0.0.1:1/v1", apiKeyEnv: "FIREWORKS_API_KEY" }),
        { env: {} },
      );
    expect(create).toThrow(UserError);
    expect(create).toThrow(/FIREWORKS_API_KEY.*not set/);
    expect(create).toThrow(/mistral-7b-vllm/);
    expect(() =>
      createModelClient(
        catalogModel({ endpoint: "http://127.0.0.1:1/v1", apiKeyEnv: "FIREWORKS_API_KEY" }),
        { env: { FIREWORKS_API_KEY: " " } },
      ),
    ).toThrow(/FIREWORKS_API_KEY is empty/);
  });

  it("a model without an endpoint is a UserError at creation", () => {
    expect(() => createModelClient(catalogModel({ endpoint: undefined }))).toThrow(
      /mistral-7b-vllm.*has no endpoint/,
    );
  });
});
