import {
  AccessDeniedException,
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  InternalServerException,
  ModelTimeoutException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { describe, expect, it } from "vitest";
import { useSimulators } from "./simulator-test-support.js";

const MODEL_ID = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const QUESTION = "Which HTTP status code does the endpoint return when the token has expired?";
const REFERENCE =
  "It returns 401 Unauthorized with a WWW-Authenticate header asking the client to refresh the token.";
const answerKey = [{ feature: "docs", inputs: { question: QUESTION }, reference: REFERENCE }];

function bedrock(url: string, http1 = false, token?: string) {
  return new BedrockRuntimeClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
    ...(token ? { token: { token }, authSchemePreference: ["httpBearerAuth"] } : {}),
    ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

function converse(text: string, extra: Partial<ConverseCommandInput> = {}): ConverseCommand {
  return new ConverseCommand({
    modelId: MODEL_ID,
    system: [{ text: "You answer questions about the API." }],
    messages: [{ role: "user", content: [{ text }] }],
    inferenceConfig: { maxTokens: 512, temperature: 0 },
    ...extra,
  });
}

describe("Bedrock Converse through the real BedrockRuntimeClient", () => {
  const start = useSimulators();

  for (const http1 of [false, true]) {
    it(`answers over ${http1 ? "HTTP/1.1 (NodeHttpHandler)" : "HTTP/2 (the default handler)"}`, async () => {
      const sim = await start({ answerKey, profile: { models: { [MODEL_ID]: { quality: 1 } } } });
      const client = bedrock(sim.url, http1);
      try {
        const out = await client.send(converse(QUESTION));
        expect(out.output?.message?.role).toBe("assistant");
        expect(out.output?.message?.content?.[0]?.text).toContain("401 Unauthorized");
        expect(out.stopReason).toBe("end_turn");
        expect(out.usage!.totalTokens).toBe(out.usage!.inputTokens! + out.usage!.outputTokens!);
        expect(out.metrics?.latencyMs).toBeGreaterThan(0);
        expect(out.$metadata.requestId).toMatch(/^[0-9a-f]{24}$/);
        const stats = sim.stats();
        expect(stats.connections[http1 ? "http1" : "http2"]).toBe(1);
        expect(stats.connections[http1 ? "http2" : "http1"]).toBe(0);
        expect(stats.models[MODEL_ID]!.outcomes.ok).toBe(1);
      } finally {
        client.destroy();
      }
    });
  }

  it("reports max_tokens and stop_sequence stop reasons", async () => {
    const sim = await start({ answerKey, profile: { defaults: { quality: 1 } } });
    const client = bedrock(sim.url, true);
    try {
      const short = await client.send(converse(QUESTION, { inferenceConfig: { maxTokens: 3 } }));
      expect(short.stopReason).toBe("max_tokens");
      expect(short.usage!.outputTokens).toBe(3);
      const stopped = await client.send(
        converse(QUESTION, { inferenceConfig: { stopSequences: ["WWW"] } }),
      );
      expect(stopped.stopReason).toBe("stop_sequence");
      expect(stopped.output?.message?.content?.[0]?.text).not.toContain("WWW");
    } finally {
      client.destroy();
    }
  });

  it("maps failures to the SDK's typed exceptions via x-amzn-errortype", async () => {
    const sim = await start({
      profile: {
        models: {
          throttled: { faults: { rate_429: 1 } },
          broken: { faults: { server_500: 1 } },
          down: { faults: { server_503: 1 } },
          slow: { faults: { hang: 1, hang_ms: 20 } },
          small: { context_window: 10 },
        },
      },
    });
    const client = bedrock(sim.url);
    const call = (modelId: string, text = "hello") => client.send(converse(text, { modelId }));
    try {
      await expect(call("throttled")).rejects.toBeInstanceOf(ThrottlingException);
      await expect(call("broken")).rejects.toBeInstanceOf(InternalServerException);
      await expect(call("down")).rejects.toBeInstanceOf(ServiceUnavailableException);
      await expect(call("slow")).rejects.toBeInstanceOf(ModelTimeoutException);
      const tooLong = call("small", "word ".repeat(200));
      await expect(tooLong).rejects.toBeInstanceOf(ValidationException);
      await expect(call("small", "word ".repeat(200))).rejects.toThrow(/Input is too long/);
      await expect(call("throttled")).rejects.toMatchObject({ $metadata: { httpStatusCode: 429 } });
    } finally {
      client.destroy();
    }
  });

  it("requires the Bedrock API key as a Bearer token when the profile sets one", async () => {
    const sim = await start({
      profile: { models: { [MODEL_ID]: { api_key: "bedrock-api-key" } } },
    });
    const signed = bedrock(sim.url);
    const keyed = bedrock(sim.url, false, "bedrock-api-key");
    try {
      await expect(signed.send(converse("hello"))).rejects.toBeInstanceOf(AccessDeniedException);
      const out = await keyed.send(converse("hello"));
      expect(out.output?.message?.content?.[0]?.text).toBeTruthy();
    } finally {
      signed.destroy();
      keyed.destroy();
    }
  });
});
