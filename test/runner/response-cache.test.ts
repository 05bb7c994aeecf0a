import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { CatalogModel, ModelRequest, ModelResponse } from "../../src/core/types.js";
import {
  cacheIdentityFor,
  cacheKeyFor,
  DEFAULT_CACHE_DIR,
  EndpointQueue,
  ResponseCache,
  RetryPolicy,
  scheduleClient,
} from "../../src/runner/index.js";

const run = promisify(execFile);
const tempDir = () => mkdtempSync(join(tmpdir(), "evalgate-cache-"));

const request: ModelRequest = {
  messages: [{ role: "user", content: "write fizzbuzz" }],
  params: { temperature: 0, max_tokens: 100 },
  cell: { cellId: "f/m/e1/0", feature: "f", model: "m", exampleId: "e1", repeat: 0 },
};

function countingClient() {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async complete(): Promise<ModelResponse> {
      calls++;
      return {
        ok: true,
        text: `answer ${calls}`,
        finishReason: "stop",
        usage: { inputTokens: 3, outputTokens: 2 },
        latencyMs: 5,
        requestId: "r",
      };
    },
  };
}

function scheduled(client: ReturnType<typeof countingClient>, cache: ResponseCache) {
  return scheduleClient({
    client,
    queue: new EndpointQueue("openai_compatible|http://x/v1|m", { concurrency: 2 }),
    retry: new RetryPolicy({ sleep: async () => {} }),
    cache,
    servedName: "m",
  });
}

describe("cache key", () => {
  const parts = { model: "m", request, repeat: 0 };
  it("is a sha256 that ignores key order, the signal and the cell identity", () => {
    const key = cacheKeyFor(parts);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const reordered: ModelRequest = {
      params: { max_tokens: 100, temperature: 0 },
      messages: request.messages,
      signal: new AbortController().signal,
      cell: { ...request.cell!, cellId: "other/m/e9/0", exampleId: "e9" },
    };
    expect(cacheKeyFor({ ...parts, request: reordered })).toBe(key);
  });

  it("changes with anything that changes the response", () => {
    const key = cacheKeyFor(parts);
    expect(cacheKeyFor({ ...parts, repeat: 1 })).not.toBe(key);
    expect(cacheKeyFor({ ...parts, model: "m2" })).not.toBe(key);
    expect(
      cacheKeyFor({ ...parts, request: { ...request, params: { temperature: 0.1 } } }),
    ).not.toBe(key);
    const withFormat: ModelRequest = {
      ...request,
      responseFormat: { type: "json_schema", name: "s", schema: {} },
    };
    expect(cacheKeyFor({ ...parts, request: withFormat })).not.toBe(key);
  });
});

describe("cache identity", () => {
  const model: CatalogModel = {
    name: "mistral",
    family: "mistral",
    familyChain: ["mistral"],
    provider: "openai_compatible",
    endpoint: "http://127.0.0.1:40001/v1",
    identifier: "custom_openai/mistralai/Mistral-7B",
    identifierPrefix: "custom_openai",
    servedName: "mistralai/Mistral-7B",
    apiKeyEnv: "KEY_A",
    region: undefined,
    apiVersion: undefined,
    params: {},
    limits: { concurrency: 1 },
    prices: undefined,
  };
  it("ignores the transport: endpoint host and port, key variable, region, catalog name", () => {
    const id = cacheIdentityFor(model);
    expect(
      cacheIdentityFor({
        ...model,
        name: "other-name",
        endpoint: "http://10.0.0.5:8000/v1",
        apiKeyEnv: "KEY_B",
        region: "eu-west-1",
      }),
    ).toBe(id);
  });
  it("changes with the model, its family, the gateway route and the simulator", () => {
    const id = cacheIdentityFor(model);
    expect(cacheIdentityFor({ ...model, identifier: "custom_openai/x" })).not.toBe(id);
    expect(cacheIdentityFor({ ...model, servedName: "x" })).not.toBe(id);
    expect(cacheIdentityFor({ ...model, family: "mixtral" })).not.toBe(id);
    expect(cacheIdentityFor(model, { viaGateway: true })).not.toBe(id);
    expect(cacheIdentityFor(model, { simulated: true })).not.toBe(id);
  });
  it("keeps answers of one simulator profile from another's", () => {
    const defaults = cacheIdentityFor(model, { simulated: true });
    const one = cacheIdentityFor(model, { simulated: "profile:1111" });
    expect(one).not.toBe(defaults);
    expect(cacheIdentityFor(model, { simulated: "profile:2222" })).not.toBe(one);
    expect(cacheIdentityFor(model, { simulated: "profile:1111" })).toBe(one);
  });
});

describe("response cache", () => {
  it("defaults to .evalgate-cache under the cwd and shards by the first two hex chars", () => {
    const cache = new ResponseCache({ cwd: "/tmp/project" });
    expect(cache.dir).toBe(join("/tmp/project", DEFAULT_CACHE_DIR));
    expect(cache.pathFor("ab12")).toBe(join("/tmp/project", DEFAULT_CACHE_DIR, "ab", "ab12.json"));
  });

  it("a hit makes no second call and returns the stored answer", async () => {
    const dir = tempDir();
    const client = countingClient();
    const first = await scheduled(client, new ResponseCache({ dir })).complete(request);
    // A fresh cache object (a second run) over the same folder.
    const second = await scheduled(client, new ResponseCache({ dir })).complete(request);
    expect(client.calls).toBe(1);
    expect(first).toMatchObject({ ok: true, text: "answer 1", cached: false, attempts: 1 });
    expect(second).toMatchObject({ ok: true, text: "answer 1", cached: true, attempts: 0 });
    const stored = readdirSync(dir);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^[0-9a-f]{2}$/);
  });

  it("another repeat is another call", async () => {
    const client = countingClient();
    const c = scheduled(client, new ResponseCache({ dir: tempDir() }));
    await c.complete(request);
    await c.complete({ ...request, cell: { ...request.cell!, repeat: 1, cellId: "f/m/e1/1" } });
    expect(client.calls).toBe(2);
  });

  it("stores only successes", async () => {
    const dir = tempDir();
    let calls = 0;
    const failing = {
      async complete(): Promise<ModelResponse> {
        calls++;
        return {
          ok: false,
          errorClass: "bad_request",
          message: "no",
          latencyMs: 1,
          requestId: undefined,
        };
      },
    };
    const c = scheduleClient({
      client: failing,
      queue: new EndpointQueue("e", { concurrency: 1 }),
      retry: new RetryPolicy(),
      cache: new ResponseCache({ dir }),
      servedName: "m",
    });
    await c.complete(request);
    await c.complete(request);
    expect(calls).toBe(2);
    expect(readdirSync(dir)).toHaveLength(0);
  });

  it("disabled (--no-cache) neither reads nor writes", async () => {
    const dir = tempDir();
    const client = countingClient();
    const c = scheduled(client, new ResponseCache({ dir, enabled: false }));
    await c.complete(request);
    await c.complete(request);
    expect(client.calls).toBe(2);
    expect(readdirSync(dir)).toHaveLength(0);
  });

  it("treats a damaged entry as a miss", async () => {
    const dir = tempDir();
    const cache = new ResponseCache({ dir });
    const key = "ff".padEnd(64, "0");
    await cache.set(key, {
      ok: true,
      text: "t",
      finishReason: "stop",
      usage: undefined,
      latencyMs: 1,
      requestId: undefined,
    });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(cache.pathFor(key), '{"format":1,"key":');
    expect(await cache.get(key)).toBeUndefined();
  });

  it("two processes writing the same key concurrently never leave a torn entry", async () => {
    const dir = tempDir();
    const key = "ab".padEnd(64, "c");
    const script = join(import.meta.dirname, "cache-writer-process.ts");
    const child = (tag: string) =>
      run(process.execPath, ["--import", "tsx", script, dir, key, "150", tag], {
        cwd: join(import.meta.dirname, "..", ".."),
      });
    const [a, b] = await Promise.all([child("a"), child("b")]);
    expect(JSON.parse(a.stdout)).toEqual({ torn: 0 });
    expect(JSON.parse(b.stdout)).toEqual({ torn: 0 });
    const entry = JSON.parse(readFileSync(new ResponseCache({ dir }).pathFor(key), "utf8"));
    expect(entry.response.text).toMatch(/^[ab]:/);
    expect(readdirSync(join(dir, "ab"))).toEqual([`${key}.json`]); // no temp files left
  });
});
