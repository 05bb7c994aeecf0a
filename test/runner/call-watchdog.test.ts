import { describe, expect, it } from "vitest";
import type { ErrorClass, ModelResponse } from "../../src/core/types.js";
import { CallWatchdog, isRetryable } from "../../src/runner/index.js";

const ok: ModelResponse = {
  ok: true,
  text: "hi",
  finishReason: "stop",
  usage: undefined,
  latencyMs: 1,
  requestId: undefined,
};
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
