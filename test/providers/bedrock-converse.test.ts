import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import type { ModelFailure, ModelResponse } from "../../src/core/types.js";
import { createModelClient } from "../../src/providers/index.js";
import {
  closedPort,
  resetConnection,
  type StubResponse,
  type StubServer,
  sendJson,
  startStubServer,
} from "./stub-server.js";
import { catalogModel, chatRequest, SECRET_KEY } from "./test-models.js";

const MODEL_ID = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const env = { AWS_BEARER_TOKEN_BEDROCK: SECRET_KEY };

function bedrockModel(endpoint: string, overrides: Parameters<typeof catalogModel>[0] = {}) {
  return catalogModel({
    name: "claude-3-5-sonnet-bedrock",
    family: "claude_3",
    familyChain: ["claude_3"],
    provider: "bedrock",
    identifier: `bedrock/${MODEL_ID}`,
    identifierPrefix: "bedrock",
    servedName: MODEL_ID,
    endpoint,
    region: "us-east-1",
    apiKeyEnv: "AWS_BEARER_TOKEN_BEDROCK",
    ...overrides,
  });
}

function converseAnswer(res: StubResponse, stopReason = "end_turn") {
  sendJson(
    res,
    200,
    {
      output: { message: { role: "assistant", content: [{ text: "Hello" }, { text: " there" }] } },
      stopReason,
      usage: { inputTokens: 21, outputTokens: 4, totalTokens: 25 },
      metrics: { latencyMs: 10 },
    },
    { "x-amzn-requestid": "bedrock-req-1" },
  );
}

function awsError(
  res: StubResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(
    res,
    status,
    { message },
    { "x-amzn-errortype": type, "x-amzn-requestid": "err-req", ...headers },
  );
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function failureOf(response: ModelResponse): ModelFailure {
  if (response.ok) throw new Error(`expected failure, got ${JSON.stringify(response)}`);
  return response;
}

for (const protocol of ["http2", "http1"] as const) {
  describe(`Bedrock Converse over ${protocol === "http2" ? "HTTP/2 cleartext" : "HTTP/1.1"}`, () => {
    let server: StubServer;
    beforeAll(async () => {
      server = await startStubServer({ http2: protocol === "http2" });
    });
    afterAll(async () => {
      await server.close();
    });
    beforeEach(() => {
      server.requests.length = 0;
    });
    const client = (overrides: Parameters<typeof catalogModel>[0] = {}) =>
      createModelClient(bedrockModel(server.url, overrides), {
        env,
        bedrockHttpVersion: protocol,
      });

    it("sends system, messages and inferenceConfig with the bearer key; maps the answer", async () => {
      server.handle((_req, res) => converseAnswer(res));
      const c = client();
      const response = await c.complete(
        chatRequest({
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Hi" },
            { role: "assistant", content: "" },
          ],
          params: { temperature: 0.1, max_tokens: 100, top_p: 0.5, stop: ["</a>"], timeout: 20 },
        }),
      );
      expect(response).toMatchObject({
        ok: true,
        text: "Hello there",
        finishReason: "stop",
        usage: { inputTokens: 21, outputTokens: 4 },
        requestId: "bedrock-req-1",
      });
      const request = server.requests[0]!;
      expect(request.httpVersion).toBe(protocol === "http2" ? "2.0" : "1.1");
      expect(request.url).toBe(`/model/${encodeURIComponent(MODEL_ID)}/converse`);
      expect(request.headers["authorization"]).toBe(`Bearer ${SECRET_KEY}`);
      expect(JSON.parse(request.body)).toEqual({
        system: [{ text: "Be brief." }],
        messages: [{ role: "user", content: [{ text: "Hi" }] }],
        inferenceConfig: { maxTokens: 100, temperature: 0.1, topP: 0.5, stopSequences: ["</a>"] },
      });
      await c.close?.();
    });

    it("asks for structured output with one forced tool; the tool's input is the reply", async () => {
      const schema = {
        type: "object",
        properties: { score: { type: "integer", enum: [1, 2, 3, 4] } },
      };
      server.handle((_req, res) =>
        sendJson(res, 200, {
          output: {
            message: {
              role: "assistant",
              content: [
                { toolUse: { toolUseId: "t1", name: "record_grades", input: { score: 3 } } },
              ],
            },
          },
          stopReason: "tool_use",
          usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
        }),
      );
      const c = client();
      const response = await c.complete(
        chatRequest({ responseFormat: { type: "json_schema", name: "record_grades", schema } }),
      );
      expect(response).toMatchObject({ ok: true, text: '{"score":3}', finishReason: "tool_use" });
      expect((response as { warnings?: string[] }).warnings).toBeUndefined();
      expect(JSON.parse(server.requests[0]!.body).toolConfig).toEqual({
        tools: [
          {
            toolSpec: {
              name: "record_grades",
              description: "Record the answer in the required structure.",
              inputSchema: { json: schema },
            },
          },
        ],
        toolChoice: { tool: { name: "record_grades" } },
      });
      await c.close?.();
    });

    it("maps stop reasons", async () => {
      const c = client();
      for (const [stopReason, finishReason] of [
        ["max_tokens", "length"],
        ["stop_sequence", "stop"],
        ["tool_use", "tool_use"],
      ] as const) {
        server.handle((_req, res) => converseAnswer(res, stopReason));
        expect(await c.complete(chatRequest())).toMatchObject({ ok: true, finishReason });
      }
      server.handle((_req, res) => converseAnswer(res, "guardrail_intervened"));
      expect(failureOf(await c.complete(chatRequest())).errorClass).toBe("content_filtered");
      await c.close?.();
    });

    const errorCases: [string, number, string, string][] = [
      ["ThrottlingException", 429, "Too many requests", "rate_limited"],
      ["ValidationException", 400, "Input is too long for requested model.", "context_too_long"],
      ["ValidationException", 400, "temperature: must be <= 1", "bad_request"],
      ["AccessDeniedException", 403, "You don't have access", "auth"],
      ["UnrecognizedClientException", 403, "The security token is invalid", "auth"],
      ["ServiceUnavailableException", 503, "Service unavailable", "server"],
      ["InternalServerException", 500, "Internal error", "server"],
      ["ModelNotReadyException", 429, "Model not ready", "server"],
      ["ModelTimeoutException", 408, "Model timed out", "timeout"],
      ["ResourceNotFoundException", 404, "Model not found", "bad_request"],
    ];
    for (const [type, status, message, errorClass] of errorCases) {
      it(`${type} (${message}) → ${errorClass}, one request only`, async () => {
        server.handle((_req, res) => awsError(res, status, type, message));
        const c = client();
        const failure = failureOf(await c.complete(chatRequest()));
        expect(failure.errorClass).toBe(errorClass);
        expect(failure.status).toBe(status);
        expect(failure.requestId).toBe("err-req");
        expect(failure.message).toContain(message);
        expect(server.requests).toHaveLength(1);
        await c.close?.();
      });
    }

    it("reads Retry-After on throttling (seconds and HTTP-date)", async () => {
      const c = client();
      server.handle((_req, res) =>
        awsError(res, 429, "ThrottlingException", "slow", { "retry-after": "3" }),
      );
      expect(failureOf(await c.complete(chatRequest())).retryAfterMs).toBe(3000);
      server.handle((_req, res) =>
        awsError(res, 429, "ThrottlingException", "slow", {
          "retry-after": new Date(Date.now() + 10_000).toUTCString(),
        }),
      );
      const ms = failureOf(await c.complete(chatRequest())).retryAfterMs;
      expect(ms).toBeGreaterThan(7_000);
      expect(ms).toBeLessThanOrEqual(10_000);
      await c.close?.();
    });

    it("a hang past params.timeout → timeout quickly with one request", async () => {
      server.handle(() => {});
      const c = client();
      const started = Date.now();
      const failure = failureOf(await c.complete(chatRequest({ params: { timeout: 0.3 } })));
      expect(failure.errorClass).toBe("timeout");
      expect(Date.now() - started).toBeLessThan(2_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(server.requests).toHaveLength(1);
      await c.close?.();
    });

    it("a reset → connection", async () => {
      server.handle((_req, res) => resetConnection(res));
      const c = client();
      const failure = failureOf(await c.complete(chatRequest()));
      expect(failure.errorClass).toBe("connection");
      expect(server.requests).toHaveLength(1);
      await c.close?.();
    });

    it("a caller abort → connection 'aborted'", async () => {
      server.handle(() => {});
      const c = client();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const failure = failureOf(await c.complete(chatRequest({ signal: controller.signal })));
      expect(failure).toMatchObject({ errorClass: "connection", message: "aborted" });
      await c.close?.();
    });

    it("never returns the key when the server echoes it", async () => {
      server.handle((req, res) =>
        awsError(res, 400, "ValidationException", `bad header ${req.headers["authorization"]}`),
      );
      const c = client();
      const failure = failureOf(await c.complete(chatRequest()));
      expect(failure.message).toContain("[redacted]");
      expect(JSON.stringify(failure)).not.toContain(SECRET_KEY);
      await c.close?.();
    });
  });
}

describe("Bedrock Converse: credentials, region, connection", () => {
  it("signs with SigV4 from the default chain when no api_key_env is set", async () => {
    const server = await startStubServer();
    server.handle((_req, res) => converseAnswer(res));
    const saved = {
      id: process.env["AWS_ACCESS_KEY_ID"],
      secret: process.env["AWS_SECRET_ACCESS_KEY"],
    };
    process.env["AWS_ACCESS_KEY_ID"] = "AKIATESTTESTTEST";
    process.env["AWS_SECRET_ACCESS_KEY"] = "test-secret-access-key";
    try {
      const c = createModelClient(bedrockModel(server.url, { apiKeyEnv: undefined }));
      const response = await c.complete(chatRequest());
      expect(response.ok).toBe(true);
      expect(server.requests[0]!.headers["authorization"]).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
      );
      await c.close?.();
    } finally {
      restoreEnv("AWS_ACCESS_KEY_ID", saved.id);
      restoreEnv("AWS_SECRET_ACCESS_KEY", saved.secret);
      await server.close();
    }
  });

  it("connection refused → connection", async () => {
    const port = await closedPort();
    const c = createModelClient(bedrockModel(`http://127.0.0.1:${port}`), { env });
    const failure = failureOf(await c.complete(chatRequest()));
    expect(failure.errorClass).toBe("connection");
    await c.close?.();
  });

  it("a missing region or key variable is a UserError at creation", () => {
    expect(() =>
      createModelClient(bedrockModel("http://127.0.0.1:1", { region: undefined }), { env }),
    ).toThrow(/claude-3-5-sonnet-bedrock.*region/);
    expect(() => createModelClient(bedrockModel("http://127.0.0.1:1"), { env: {} })).toThrow(
      UserError,
    );
    expect(() => createModelClient(bedrockModel("http://127.0.0.1:1"), { env: {} })).toThrow(
      /AWS_BEARER_TOKEN_BEDROCK/,
    );
  });
});
