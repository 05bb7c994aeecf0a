import { describe, expect, it } from "vitest";
import type { ErrorClass, ModelResponse } from "../../src/core/types.js";
import { backoffDelayMs, CallWatchdog, isRetryable, RetryPolicy } from "../../src/runner/index.js";

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

describe("the watchdog behind each call's own timeout", () => {
  it("turns a call that ignores its deadline into a timeout failure once the limit passes", async () => {
    const watchdog = new CallWatchdog();
    const started = Date.now();
    const response = await watchdog.guard(() => new Promise<ModelResponse>(() => {}), 50);
    expect(response).toMatchObject({ ok: false, errorClass: "timeout" });
    expect((response as { message: string }).message).toMatch(/within 50 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(watchdog.size).toBe(0);
  });

  it("returns an answer that comes in time, and drops one that comes after the limit", async () => {
    const watchdog = new CallWatchdog();
    const quick = await watchdog.guard(async () => ok, 1000);
    expect(quick).toBe(ok);
    const late = await watchdog.guard(
      () => new Promise<ModelResponse>((resolve) => setTimeout(() => resolve(ok), 150)),
      30,
    );
    expect(late).toMatchObject({ ok: false, errorClass: "timeout" });
  });

  it("fires each call at its own limit, whatever order the limits come in", async () => {
    const watchdog = new CallWatchdog();
    const hang = () => new Promise<ModelResponse>(() => {});
    const started = Date.now();
    const settledAt: Record<string, number> = {};
    const long = watchdog.guard(hang, 300).then(() => (settledAt["long"] = Date.now() - started));
    const short = watchdog.guard(hang, 40).then(() => (settledAt["short"] = Date.now() - started));
    await Promise.all([long, short]);
    expect(settledAt["short"]).toBeLessThan(250);
    expect(settledAt["long"]).toBeGreaterThanOrEqual(290);
  });

  it("leaves no timer behind once every guarded call has settled", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const baselineTimers = timers();
    const watchdog = new CallWatchdog();
    await Promise.all([watchdog.guard(async () => ok, 60_000), watchdog.guard(async () => ok, 5)]);
    // A pending 60 s timer would keep vitest's worker alive; getActiveResourcesInfo shows it.
    expect(timers()).toBe(baselineTimers);
  });

  it("converts a throwing client, sync or async, into a retryable connection failure", async () => {
    const watchdog = new CallWatchdog();
    const asyncThrow = await watchdog.guard(async () => {
      throw new Error("socket hang up");
    }, 1000);
    expect(asyncThrow).toMatchObject({ ok: false, errorClass: "connection" });
    expect((asyncThrow as { message: string }).message).toMatch(/socket hang up/);
    const syncThrow = await watchdog.guard(() => {
      throw new Error("bad client");
    }, 1000);
    expect(syncThrow).toMatchObject({ ok: false, errorClass: "connection" });
    expect(isRetryable((syncThrow as { errorClass: ErrorClass }).errorClass)).toBe(true);
  });
});
