import { describe, expect, it } from "vitest";
import type { ErrorClass, ModelResponse } from "../../src/core/types.js";
import { backoffDelayMs, isRetryable, RetryPolicy } from "../../src/runner/index.js";

const ok: ModelResponse = {
  ok: true,
  text: "hi",
  finishReason: "stop",
  usage: undefined,
  latencyMs: 1,
  requestId: undefined,
};
function fail(errorClass: ErrorClass, retryAfterMs?: number): ModelResponse {
  return {
    ok: false,
    errorClass,
    message: errorClass,
    latencyMs: 1,
    requestId: undefined,
    retryAfterMs,
  };
}

describe("retry classification", () => {
  it("retries transient classes and never the permanent ones", () => {
    for (const c of ["rate_limited", "timeout", "server", "connection"] as const) {
      expect(isRetryable(c)).toBe(true);
    }
    for (const c of ["auth", "bad_request", "content_filtered", "context_too_long"] as const) {
      expect(isRetryable(c)).toBe(false);
    }
  });

  it.each(["auth", "bad_request", "content_filtered", "context_too_long"] as const)(
    "makes exactly one attempt for %s",
    async (errorClass) => {
      let calls = 0;
      const policy = new RetryPolicy({ sleep: async () => {} });
      const result = await policy.run(async () => {
        calls++;
        return fail(errorClass);
      });
      expect(calls).toBe(1);
      expect(result.attempts).toBe(1);
      expect(result.response.ok).toBe(false);
    },
  );

  it("retries server errors until success and counts attempts", async () => {
    const replies = [fail("server"), fail("connection"), fail("timeout"), ok];
    const policy = new RetryPolicy({ sleep: async () => {} });
    const result = await policy.run(async () => replies.shift()!);
    expect(result).toMatchObject({ attempts: 4, response: { ok: true } });
    expect(policy.state().retries).toEqual({ server: 1, connection: 1, timeout: 1 });
  });

  it("gives up after maxAttempts and returns the last failure", async () => {
    let calls = 0;
    const policy = new RetryPolicy({ maxAttempts: 3, sleep: async () => {} });
    const result = await policy.run(async () => {
      calls++;
      return fail("rate_limited");
    });
    expect(calls).toBe(3);
    expect(result.attempts).toBe(3);
    expect(result.response).toMatchObject({ ok: false, errorClass: "rate_limited" });
  });
});

describe("backoff", () => {
  it("is full jitter under an exponential ceiling capped at 30 s", () => {
    expect(backoffDelayMs(1, { random: () => 0 })).toBe(0);
    expect(backoffDelayMs(1, { random: () => 0.999999 })).toBe(499);
    expect(backoffDelayMs(2, { random: () => 0.999999 })).toBe(999);
    expect(backoffDelayMs(4, { random: () => 0.5 })).toBe(2000);
    expect(backoffDelayMs(20, { random: () => 0.999999 })).toBe(29_999);
    for (let retry = 1; retry < 30; retry++) {
      const d = backoffDelayMs(retry);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(30_000, 500 * 2 ** (retry - 1)));
    }
  });

  it("waits the longer of backoff and Retry-After, and exposes the wait", async () => {
    const waits: number[] = [];
    let now = 1000;
    let policy!: RetryPolicy;
    policy = new RetryPolicy({
      random: () => 0.5,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        expect(policy.state()).toMatchObject({ waiting: 1, longestWaitMs: ms });
        now += ms;
      },
    });
    const replies = [fail("rate_limited", 5000), fail("server"), ok];
    await policy.run(async () => replies.shift()!);
    expect(waits).toEqual([5000, 500]);
    expect(policy.state()).toMatchObject({ waiting: 0, longestWaitMs: 0 });
  });

  it("stops waiting when the signal aborts", async () => {
    const controller = new AbortController();
    const policy = new RetryPolicy({ baseDelayMs: 60_000, random: () => 0.9 });
    const run = policy.run(async () => fail("server"), controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toThrow(/abort/i);
  });
});
