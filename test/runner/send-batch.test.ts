import { describe, expect, it } from "vitest";
import type { ModelResponse } from "../../src/core/types.js";
import { EndpointQueue } from "../../src/runner/index.js";
import { SendBatch } from "../../src/runner/send-batch.js";

const ok = (text = "x"): ModelResponse => ({
  ok: true,
  text,
  finishReason: "stop",
  usage: undefined,
  latencyMs: 1,
  requestId: undefined,
});
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("send batch", () => {
  it("sends the calls of one event-loop turn together at its end, in the order they came", async () => {
    const batch = new SendBatch();
    const sent: string[] = [];
    const send = (name: string) => async () => {
      sent.push(name);
      return name;
    };
    const replies = Promise.all([batch.later(send("a")), batch.later(send("b"))]);
    await Promise.resolve();
    expect(sent).toEqual([]);
    const third = batch.later(send("c"));
    expect(await replies).toEqual(["a", "b"]);
    expect(await third).toBe("c");
    expect(sent).toEqual(["a", "b", "c"]);
  });

  it("passes on a send that throws or rejects, without holding up the others", async () => {
    const batch = new SendBatch();
    const thrown = batch.later(() => {
      throw new Error("thrown");
    });
    const rejected = batch.later(async () => {
      throw new Error("rejected");
    });
    const fine = batch.later(async () => "fine");
    await expect(thrown).rejects.toThrow("thrown");
    await expect(rejected).rejects.toThrow("rejected");
    expect(await fine).toBe("fine");
  });
});

describe("endpoint queue sends in batches", () => {
  it("sends nothing before the turn ends, then every call that got a slot", async () => {
    const queue = new EndpointQueue("e", { concurrency: 3 });
    let sent = 0;
    const call = async () => {
      sent++;
      return ok();
    };
    const replies = Promise.all([queue.schedule(call), queue.schedule(call), queue.schedule(call)]);
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(sent).toBe(0);
    await nextTurn();
    expect(sent).toBe(3);
    await replies;
  });

  it("never sends a call cancelled between getting its slot and the end of the turn", async () => {
    const queue = new EndpointQueue("e", { concurrency: 2 });
    const controller = new AbortController();
    let sent = 0;
    const call = async () => {
      sent++;
      return ok();
    };
    const cancelled = queue.schedule(call, { signal: controller.signal });
    const kept = queue.schedule(call);
    controller.abort();
    await expect(cancelled).rejects.toThrow(/abort/i);
    expect(await kept).toMatchObject({ ok: true });
    expect(sent).toBe(1);
    expect(queue.state()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it("does not send a call whose endpoint went down while it waited for the end of the turn", async () => {
    const queue = new EndpointQueue("e", { concurrency: 4 }, { breakAfter: 1 });
    let fail: (() => void) | undefined;
    const first = queue.schedule(
      () =>
        new Promise<ModelResponse>((resolve) => {
          fail = () =>
            resolve({
              ok: false,
              errorClass: "connection",
              message: "ECONNREFUSED",
              latencyMs: 1,
              requestId: undefined,
            });
        }),
    );
    await nextTurn();
    expect(fail).toBeDefined();
    let sent = false;
    const second = queue.schedule(async () => {
      sent = true;
      return ok();
    });
    // The first call fails (and opens the breaker) after the second got its slot, before its send.
    fail!();
    await first;
    expect(queue.state().down).toBe(true);
    expect(await second).toMatchObject({ ok: false, errorClass: "endpoint_down" });
    expect(sent).toBe(false);
  });
});
