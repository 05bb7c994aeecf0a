import { describe, expect, it } from "vitest";
import { chatBody, judgePrompt, post, useSimulators } from "./simulator-test-support.js";

const route = (url: string) => `${url}/v1/chat/completions`;

describe("fault injection", () => {
  const start = useSimulators();

  it("answers 429 with Retry-After / retry-after-ms, or without them", async () => {
    const sim = await start({
      profile: {
        models: {
          a: { faults: { rate_429: 1, retry_after_ms: 2500 } },
          b: { faults: { rate_429_no_retry_after: 1 } },
        },
      },
    });
    const a = await post(route(sim.url), chatBody("a", "hi"));
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("3");
    expect(a.headers.get("retry-after-ms")).toBe("2500");
    expect(JSON.parse(a.text).error.code).toBe("rate_limit_exceeded");
    const b = await post(route(sim.url), chatBody("b", "hi"));
    expect(b.status).toBe(429);
    expect(b.headers.get("retry-after")).toBeNull();
    expect(sim.stats().outcomes["429"]).toBe(2);
  });

  it("answers 500 and 503 with OpenAI server_error bodies", async () => {
    const sim = await start({
      profile: { models: { a: { faults: { server_500: 1 } }, b: { faults: { server_503: 1 } } } },
    });
    const a = await post(route(sim.url), chatBody("a", "hi"));
    const b = await post(route(sim.url), chatBody("b", "hi"));
    expect([a.status, b.status]).toEqual([500, 503]);
    expect(JSON.parse(a.text).error.type).toBe("server_error");
    expect(sim.stats().outcomes["5xx"]).toBe(2);
  });

  it("resets the connection", async () => {
    const sim = await start({ profile: { models: { a: { faults: { reset: 1 } } } } });
    await expect(post(route(sim.url), chatBody("a", "hi"))).rejects.toThrow();
    expect(sim.stats().models["a"]!.outcomes.reset).toBe(1);
  });

  it("answers 200 with a body that is not JSON", async () => {
    const sim = await start({ profile: { models: { a: { faults: { malformed: 1 } } } } });
    const res = await post(route(sim.url), chatBody("a", "hi"));
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it("hangs past the client's timeout, answers a timeout after hang_ms, and close() releases hangs", async () => {
    const sim = await start({
      profile: { models: { a: { faults: { hang: 1, hang_ms: 300 } }, b: { faults: { hang: 1 } } } },
    });
    const aborted = fetch(route(sim.url), {
      method: "POST",
      body: JSON.stringify(chatBody("a", "hi")),
      signal: AbortSignal.timeout(50),
    });
    await expect(aborted).rejects.toThrow();
    const late = await post(route(sim.url), chatBody("a", "hi"));
    expect(late.status).toBe(408);
    // Default hang_ms is a minute: only close() can end this one.
    const forever = post(route(sim.url), chatBody("b", "hi")).then(
      () => "answered",
      () => "dropped",
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.stats().models["b"]!.concurrency).toBe(1);
    const before = Date.now();
    await sim.close();
    expect(await forever).toBe("dropped");
    expect(Date.now() - before).toBeLessThan(2000);
    expect(sim.stats().models["b"]!.outcomes.hang).toBe(1);
  });

  it("filters content: OpenAI-compatible servers finish with content_filter", async () => {
    const sim = await start({ profile: { models: { a: { faults: { content_filter: 1 } } } } });
    const res = await post(route(sim.url), chatBody("a", "hi"));
    expect(res.status).toBe(200);
    const choice = JSON.parse(res.text).choices[0];
    expect(choice.finish_reason).toBe("content_filter");
    expect(choice.message.content).toBe("");
    expect(sim.stats().outcomes.content_filter).toBe(1);
  });

  it("makes judges forget the SCORE line", async () => {
    const sim = await start({
      profile: { models: { j: { role: "judge", faults: { judge_no_score: 1 } } } },
    });
    const res = await post(
      route(sim.url),
      chatBody("j", judgePrompt("t", "the answer", "the answer")),
    );
    const text = JSON.parse(res.text).choices[0].message.content as string;
    expect(text).not.toMatch(/SCORE/);
    expect(text.length).toBeGreaterThan(10);
  });

  it("draws faults per attempt: retries of one request can succeed, and the sequence replays", async () => {
    const profile = { models: { flaky: { faults: { server_500: 0.5 } } } };
    const sequence = async () => {
      const sim = await start({ profile });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++)
        statuses.push((await post(route(sim.url), chatBody("flaky", "same request"))).status);
      return statuses;
    };
    const first = await sequence();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await sequence()).toEqual(first);
  });

  it("adds latency and seeded jitter", async () => {
    const sim = await start({ profile: { models: { slow: { latency_ms: 150, jitter_ms: 50 } } } });
    const t0 = performance.now();
    await post(route(sim.url), chatBody("slow", "hi"));
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(1000);
  });
});

describe("rate limits", () => {
  const start = useSimulators();

  it("refuses requests beyond max_concurrency with 429 and tracks peak concurrency", async () => {
    const sim = await start({
      profile: { models: { m: { latency_ms: 200, limits: { max_concurrency: 2 } } } },
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => post(route(sim.url), chatBody("m", `request ${i}`))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
    const limited = results.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get("retry-after-ms"))).toBeGreaterThan(0);
    const stats = sim.stats().models["m"]!;
    expect(stats.peakConcurrency).toBe(2);
    expect(stats.concurrency).toBe(0);
  });

  it("refuses requests beyond max_rps (token bucket) with a Retry-After", async () => {
    const sim = await start({ profile: { models: { m: { limits: { max_rps: 5 } } } } });
    const statuses: number[] = [];
    let retryAfterMs = 0;
    for (let i = 0; i < 8; i++) {
      const res = await post(route(sim.url), chatBody("m", `request ${i}`));
      statuses.push(res.status);
      if (res.status === 429) retryAfterMs = Number(res.headers.get("retry-after-ms"));
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(6);
    expect(statuses).toContain(429);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(200);
    await new Promise((r) => setTimeout(r, retryAfterMs + 20));
    expect((await post(route(sim.url), chatBody("m", "after the wait"))).status).toBe(200);
  });
});
