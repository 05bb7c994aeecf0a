import OpenAI, { AzureOpenAI } from "openai";
import { describe, expect, it } from "vitest";
import { REFUSAL_TEXT } from "../../src/simulator/index.js";
import { chatBody, post, useSimulators } from "./simulator-test-support.js";

const QUESTION = "Explain what the function normalize_whitespace does in utils.py";
const REFERENCE =
  "The function collapses runs of spaces, tabs and newlines into a single space. It also strips leading and trailing whitespace before returning the cleaned string.";
const answerKey = [{ feature: "explain", inputs: { question: QUESTION }, reference: REFERENCE }];

function client(url: string, apiKey = "sk-test") {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
}

describe("OpenAI chat completions through the openai SDK", () => {
  const start = useSimulators();

  it("answers plainly with usage, finish_reason and x-request-id", async () => {
    const sim = await start({ answerKey, profile: { models: { "served/model": { quality: 1 } } } });
    const { data, response } = await client(sim.url)
      .chat.completions.create({
        model: "served/model",
        messages: [{ role: "user", content: QUESTION }],
      })
      .withResponse();
    expect(data.model).toBe("served/model");
    expect(data.choices[0]!.finish_reason).toBe("stop");
    const text = data.choices[0]!.message.content!;
    expect(text).toContain("collapses runs of spaces");
    expect(data.usage!.prompt_tokens).toBeGreaterThan(10);
    expect(data.usage!.completion_tokens).toBeGreaterThan(20);
    expect(data.usage!.total_tokens).toBe(
      data.usage!.prompt_tokens + data.usage!.completion_tokens,
    );
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f]{24}$/);
  });

  it("streams SSE chunks that add up to the non-streamed answer, with a usage chunk", async () => {
    const sim = await start({ answerKey });
    const openai = client(sim.url);
    const whole = await openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: QUESTION }],
    });
    const stream = await openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: QUESTION }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(5);
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(finish).toBe("stop");
    expect(usage).toEqual(whole.usage);
  });

  it("truncates at max_tokens with finish_reason length and honours stop sequences", async () => {
    const sim = await start({ answerKey, profile: { defaults: { quality: 1 } } });
    const openai = client(sim.url);
    const short = await openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: QUESTION }],
      max_tokens: 5,
    });
    expect(short.choices[0]!.finish_reason).toBe("length");
    expect(short.usage!.completion_tokens).toBe(5);
    const stopped = await openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: QUESTION }],
      stop: ["tabs"],
    });
    const text = stopped.choices[0]!.message.content!;
    expect(text).not.toContain("tabs");
    expect(text.length).toBeGreaterThan(0);
    expect(stopped.choices[0]!.finish_reason).toBe("stop");
  });

  it("replies with JSON that fits a json_schema response_format", async () => {
    const sim = await start({ answerKey });
    const res = await client(sim.url).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: QUESTION }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "explanation",
          schema: {
            type: "object",
            properties: {
              summary: { type: "string" },
              confidence: { type: "number", minimum: 0, maximum: 1 },
              steps: { type: "integer", minimum: 2 },
              risky: { type: "boolean" },
              tags: { type: "array", items: { type: "string" }, minItems: 2 },
              level: { enum: ["low", "medium", "high"] },
              meta: {
                type: "object",
                properties: { lang: { type: "string" } },
                required: ["lang"],
              },
            },
            required: ["summary", "confidence", "steps", "risky", "tags", "level", "meta"],
          },
        },
      },
    });
    const value = JSON.parse(res.choices[0]!.message.content!);
    expect(typeof value.summary).toBe("string");
    expect(value.confidence).toBeGreaterThanOrEqual(0);
    expect(value.confidence).toBeLessThanOrEqual(1);
    expect(Number.isInteger(value.steps) && value.steps >= 2).toBe(true);
    expect(typeof value.risky).toBe("boolean");
    expect(value.tags).toHaveLength(2);
    expect(["low", "medium", "high"]).toContain(value.level);
    expect(typeof value.meta.lang).toBe("string");
  });

  it("gives deterministic logprobs with top_logprobs alternatives, judge score digits included", async () => {
    const sim = await start();
    const openai = client(sim.url);
    const ask = () =>
      openai.chat.completions.create({
        model: "judge-x",
        messages: [
          {
            role: "user",
            content: `<reference>${REFERENCE}</reference>\n<response>${REFERENCE}</response>`,
          },
        ],
        logprobs: true,
        top_logprobs: 3,
      });
    const [a, b] = [await ask(), await ask()];
    const content = a.choices[0]!.logprobs!.content!;
    expect(content.map((t) => t.token).join("")).toBe(a.choices[0]!.message.content);
    for (const t of content) {
      expect(t.logprob).toBeLessThanOrEqual(0);
      expect(t.top_logprobs).toHaveLength(3);
      expect(t.top_logprobs[0]!.logprob).toBeGreaterThanOrEqual(t.top_logprobs[2]!.logprob);
    }
    const digit = content.find((t) => /^\s*[1-4]$/.test(t.token))!;
    expect(digit.top_logprobs.every((alt) => /^\s*[1-4]$/.test(alt.token))).toBe(true);
    expect(b.choices[0]!.logprobs).toEqual(a.choices[0]!.logprobs);
  });

  it("answers 400 like vLLM when the profile says json_schema or logprobs are unsupported", async () => {
    const sim = await start({
      profile: { models: { ollama: { supports: { json_schema: false, logprobs: false } } } },
    });
    const openai = client(sim.url);
    const schema = openai.chat.completions.create({
      model: "ollama",
      messages: [{ role: "user", content: "hi" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "x", schema: { type: "object" } },
      },
    });
    await expect(schema).rejects.toMatchObject({ status: 400, param: "response_format" });
    const logprobs = openai.chat.completions.create({
      model: "ollama",
      messages: [{ role: "user", content: "hi" }],
      logprobs: true,
    });
    await expect(logprobs).rejects.toMatchObject({ status: 400, param: "logprobs" });
    // Another model keeps full support.
    const ok = await openai.chat.completions.create({
      model: "vllm",
      messages: [{ role: "user", content: "hi" }],
      logprobs: true,
    });
    expect(ok.choices[0]!.logprobs).not.toBeNull();
  });

  it("checks the API key, unknown models (strict) and the context window", async () => {
    const sim = await start({
      profile: {
        strict_models: true,
        models: { guarded: { api_key: "sk-right" }, tiny: { context_window: 20 } },
      },
    });
    await expect(
      client(sim.url, "sk-wrong").chat.completions.create({
        model: "guarded",
        messages: [{ role: "user", content: "hi" }],
      }),
    ).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
    const ok = await client(sim.url, "sk-right").chat.completions.create({
      model: "guarded",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(ok.choices[0]!.message.content).toBeTruthy();
    await expect(
      client(sim.url).chat.completions.create({
        model: "nope",
        messages: [{ role: "user", content: "hi" }],
      }),
    ).rejects.toMatchObject({ status: 404, code: "model_not_found" });
    await expect(
      client(sim.url).chat.completions.create({
        model: "tiny",
        messages: [{ role: "user", content: "x".repeat(400) }],
      }),
    ).rejects.toMatchObject({ status: 400, code: "context_length_exceeded" });
  });

  it("rejects bodies that are not chat requests with OpenAI-style 400s", async () => {
    const sim = await start();
    const bad = await post(`${sim.url}/v1/chat/completions`, "{not json");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.type).toBe("invalid_request_error");
    const noMessages = await post(`${sim.url}/v1/chat/completions`, { model: "m", messages: [] });
    expect(noMessages.status).toBe(400);
    expect(JSON.parse(noMessages.text).error.message).toContain("messages");
    const route = await post(`${sim.url}/v1/embeddings`, chatBody("m", "hi"));
    expect(route.status).toBe(404);
  });

  it("serves Azure deployments through the AzureOpenAI client, with content_filter 400s", async () => {
    const sim = await start({
      answerKey,
      profile: {
        models: {
          "gpt-4o": { api_key: "azure-key", quality: 1 },
          filtered: { api_key: "azure-key", faults: { content_filter: 1 } },
        },
      },
    });
    const azure = (deployment: string) =>
      new AzureOpenAI({
        endpoint: sim.url,
        apiKey: "azure-key",
        apiVersion: "2024-10-21",
        deployment,
        maxRetries: 0,
      });
    const res = await azure("gpt-4o").chat.completions.create({
      model: "ignored",
      messages: [{ role: "user", content: QUESTION }],
    });
    expect(res.model).toBe("gpt-4o");
    expect(res.choices[0]!.message.content).toContain("single space");
    await expect(
      azure("filtered").chat.completions.create({
        model: "",
        messages: [{ role: "user", content: "hi" }],
      }),
    ).rejects.toMatchObject({ status: 400, code: "content_filter" });
    const wrongKey = new AzureOpenAI({
      endpoint: sim.url,
      apiKey: "nope",
      apiVersion: "2024-10-21",
      deployment: "gpt-4o",
      maxRetries: 0,
    });
    await expect(
      wrongKey.chat.completions.create({ model: "", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({ status: 401 });
    expect(sim.stats().routes.azure).toBe(3);
  });

  it("replies with the refusal text when the refusal fault fires", async () => {
    const sim = await start({ profile: { models: { shy: { faults: { refusal: 1 } } } } });
    const res = await client(sim.url).chat.completions.create({
      model: "shy",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]!.message.content).toBe(REFUSAL_TEXT);
    expect(sim.stats().models["shy"]!.outcomes.refusal).toBe(1);
  });
});
