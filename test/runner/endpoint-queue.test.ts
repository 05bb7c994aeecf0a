import { describe, expect, it } from "vitest";
import type { ModelResponse } from "../../src/core/types.js";
import { EndpointQueue, RetryPolicy, scheduleClient, TokenBucket } from "../../src/runner/index.js";

const ok = (): ModelResponse => ({
  ok: true,
  text: "x",
  finishReason: "stop",
  usage: undefined,
  latencyMs: 1,
  requestId: undefined,
});
const rateLimited = (retryAfterMs?: number): ModelResponse => ({
  ok: false,
  errorClass: "rate_limited",
  message: "429",
  status: 429,
  latencyMs: 1,
  requestId: undefined,
  retryAfterMs,
});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in endpoint that records how many calls it has in flight. */
function trackingEndpoint(delayMs: number) {
  let inFlight = 0;
  let peak = 0;
  let calls = 0;
  return {
    async call(reply: () => ModelResponse = ok): Promise<ModelResponse> {
      calls++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      await wait(delayMs);
      inFlight--;
      return reply();
    },
    get peak() {
      return peak;
    },
    get calls() {
      return calls;
    },
  };
}

describe("endpoint queue", () => {
  it("never has more calls in flight than limits.concurrency, and uses all of it", async () => {
    const endpoint = trackingEndpoint(10);
    const queue = new EndpointQueue("e", { concurrency: 4 });
    await Promise.all(Array.from({ length: 40 }, () => queue.schedule(() => endpoint.call())));
    expect(endpoint.calls).toBe(40);
    expect(endpoint.peak).toBe(4);
  });

  it("never sends a queued call whose cell was cancelled while it waited for a slot", async () => {
    const endpoint = trackingEndpoint(50);
    const queue = new EndpointQueue("e", { concurrency: 1 });
    const first = queue.schedule(() => endpoint.call());
    const controller = new AbortController();
    const queued = queue.schedule(() => endpoint.call(), { signal: controller.signal });
    const outcome = queued.then(
      () => "sent",
      (err: unknown) => (err as Error).name,
    );
    controller.abort();
    await first;
    expect(await outcome).toBe("AbortError");
    expect(endpoint.calls).toBe(1);
    expect(queue.state()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it("drops a cancelled call from a paused endpoint at once, without waiting out the pause", async () => {
    const queue = new EndpointQueue("e", { concurrency: 2 });
    await queue.schedule(async () => rateLimited(60_000));
    expect(queue.state().pausedForMs).toBeGreaterThan(50_000);
    const controller = new AbortController();
    let sent = false;
    const queued = queue.schedule(
      async () => {
        sent = true;
        return ok();
      },
      { signal: controller.signal },
    );
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await expect(queued).rejects.toThrow(/abort/i);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sent).toBe(false);
    queue.close();
  });

  it("refuses a call whose signal is already aborted", async () => {
    const queue = new EndpointQueue("e", { concurrency: 1 });
    const controller = new AbortController();
    controller.abort();
    let sent = false;
    await expect(
      queue.schedule(
        async () => {
          sent = true;
          return ok();
        },
        { signal: controller.signal },
      ),
    ).rejects.toThrow(/abort/i);
    expect(sent).toBe(false);
  });

  it("keeps two endpoints independent: a slow one does not hold up a fast one", async () => {
    const slow = new EndpointQueue("slow", { concurrency: 1 });
    const fast = new EndpointQueue("fast", { concurrency: 4 });
    const slowDone = Promise.all(
      Array.from({ length: 5 }, () => slow.schedule(() => trackingEndpoint(100).call())),
    );
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, () => fast.schedule(() => trackingEndpoint(10).call())),
    );
    expect(Date.now() - started).toBeLessThan(200);
    await slowDone;
  });

  it("halves concurrency once per burst of 429s (min 1) and adds one back per success window", async () => {
    const queue = new EndpointQueue("e", { concurrency: 8 }, { recoveryWindow: 3 });
    // A burst: 8 calls started together all get 429 — one decrease, not eight.
    await Promise.all(Array.from({ length: 8 }, () => queue.schedule(async () => rateLimited())));
    expect(queue.state()).toMatchObject({ concurrency: 4, maxConcurrency: 8, rateLimited: 8 });
    // A later 429 (started after the decrease) halves again, down to the floor of 1.
    await queue.schedule(async () => rateLimited());
    expect(queue.state().concurrency).toBe(2);
    await queue.schedule(async () => rateLimited());
    await queue.schedule(async () => rateLimited());
    expect(queue.state().concurrency).toBe(1);
    // Recovery: +1 per 3 successes, never above the configured 8.
    for (let i = 0; i < 3; i++) await queue.schedule(async () => ok());
    expect(queue.state().concurrency).toBe(2);
    for (let i = 0; i < 60; i++) await queue.schedule(async () => ok());
    expect(queue.state().concurrency).toBe(8);
  });

  it("enforces the reduced concurrency on the endpoint after a 429", async () => {
    const endpoint = trackingEndpoint(10);
    const queue = new EndpointQueue("e", { concurrency: 8 }, { recoveryWindow: 1000 });
    await queue.schedule(async () => rateLimited());
    expect(queue.state().concurrency).toBe(4);
    await Promise.all(Array.from({ length: 20 }, () => queue.schedule(() => endpoint.call())));
    expect(endpoint.peak).toBe(4);
  });

  it("pauses the whole endpoint for Retry-After", async () => {
    const queue = new EndpointQueue("e", { concurrency: 4 });
    const first = queue.schedule(async () => rateLimited(300));
    await first;
    expect(queue.state().pausedForMs).toBeGreaterThan(200);
    const started = Date.now();
    let calledAt = 0;
    await queue.schedule(async () => {
      calledAt = Date.now();
      return ok();
    });
    expect(calledAt - started).toBeGreaterThanOrEqual(250);
    queue.close();
  });

  it("spreads requests per minute over time", async () => {
    const queue = new EndpointQueue("e", { concurrency: 10, requestsPerMinute: 1200 }); // 20/s
    const times: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, () =>
        queue.schedule(async () => {
          times.push(Date.now() - started);
          return ok();
        }),
      ),
    );
    // 20 fit in the first second; the last 10 must wait for the next window.
    expect(times.filter((t) => t < 900).length).toBeLessThanOrEqual(20);
    expect(Math.max(...times)).toBeGreaterThanOrEqual(900);
  });

  it("limits tokens per minute and reconciles estimates with reported usage", async () => {
    let now = 0;
    const bucket = new TokenBucket(6000, () => now); // 100 tokens/s
    await bucket.take(6000);
    expect(bucket.available()).toBe(0);
    now += 1000;
    expect(bucket.available()).toBeCloseTo(100);
    bucket.adjust(300); // the call used 300 more than estimated
    expect(bucket.available()).toBeCloseTo(-200);
    now += 3000;
    expect(bucket.available()).toBeCloseTo(100);
  });

  it("makes token-limited calls wait for the bucket to refill", async () => {
    const queue = new EndpointQueue("e", { concurrency: 10, tokensPerMinute: 60_000 }); // 1000/s
    const startedAt: number[] = [];
    const started = Date.now();
    const call = async () => {
      startedAt.push(Date.now() - started);
      return ok();
    };
    // The first call takes the whole minute's budget; the second must wait ~300 ms for 300.
    await Promise.all([
      queue.schedule(call, { estimatedTokens: 60_000 }),
      queue.schedule(call, { estimatedTokens: 300 }),
    ]);
    expect(startedAt[0]).toBeLessThan(100);
    expect(startedAt[1]).toBeGreaterThanOrEqual(250);
  });

  it("puts judge calls ahead of queued model calls via priority", async () => {
    const queue = new EndpointQueue("e", { concurrency: 1 });
    const order: string[] = [];
    const blocker = queue.schedule(async () => {
      await wait(20);
      return ok();
    });
    const record = (name: string) => async () => {
      order.push(name);
      return ok();
    };
    const model = queue.schedule(record("model"));
    const judge = queue.schedule(record("judge"), { priority: 1 });
    await Promise.all([blocker, model, judge]);
    expect(order).toEqual(["judge", "model"]);
  });

  it("scheduleClient retries a 429 through the queue and reports attempts", async () => {
    const replies = [rateLimited(), rateLimited(), ok()];
    const queue = new EndpointQueue("e", { concurrency: 2 });
    const client = scheduleClient({
      client: { complete: async () => replies.shift()! },
      queue,
      retry: new RetryPolicy({ sleep: async () => {} }),
      servedName: "m",
    });
    const response = await client.complete({
      messages: [{ role: "user", content: "q" }],
      params: {},
    });
    expect(response).toMatchObject({ ok: true, attempts: 3, cached: false });
    expect(queue.state().rateLimited).toBe(2);
  });
});
