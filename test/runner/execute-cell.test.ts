import { describe, expect, it } from "vitest";
import type { ModelClient, ModelResponse, RenderedPrompt } from "../../src/core/types.js";
import type { Judge, JudgeOutcome } from "../../src/judges/index.js";
import { createCellExecutor, makeCell } from "../../src/runner/index.js";

const cell = makeCell(
  "gen",
  "m1",
  { id: "e1", inputs: { q: "fizzbuzz" }, reference: "ref", source: { file: "d.jsonl", line: 1 } },
  0,
);
const prompt: RenderedPrompt = {
  promptId: "code/gen",
  family: "mistral",
  version: "1.0.0",
  file: "code/gen/mistral/1.0.0.yml",
  messages: [
    { role: "system", content: "be good" },
    { role: "user", content: "write fizzbuzz" },
  ],
  params: { temperature: 0 },
};
const success: ModelResponse = {
  ok: true,
  text: "print(1)",
  finishReason: "stop",
  usage: { inputTokens: 10, outputTokens: 5 },
  latencyMs: 12,
  requestId: "r1",
};
const replying = (response: ModelResponse): ModelClient => ({ complete: async () => response });
const judging = (outcome: JudgeOutcome | (() => Promise<JudgeOutcome>)): Judge => ({
  name: "j",
  judge: typeof outcome === "function" ? outcome : async () => outcome,
});
const scored = (score: 1 | 2 | 3 | 4): JudgeOutcome => ({
  kind: "scored",
  score: { score, explanation: "fine", judge: "j" },
  usage: { inputTokens: 20, outputTokens: 3 },
  attempts: 1,
});

function executor(client: ModelClient, judge: Judge, render = async () => prompt) {
  return createCellExecutor({
    render,
    clientFor: () => client,
    judgeFor: () => judge,
    now: () => new Date("2025-01-01T00:00:00Z"),
  });
}
const run = (exec: ReturnType<typeof executor>) => exec(cell, new AbortController().signal);

describe("executing a cell", () => {
  it("scores with passed = score >= 3 and passes the judge what it needs", async () => {
    let seen: unknown;
    const judge = judging(async () => scored(3));
    const spy: Judge = {
      name: "j",
      judge: async (input) => {
        seen = input;
        return judge.judge(input);
      },
    };
    const record = await run(executor(replying(success), spy));
    expect(record).toMatchObject({
      cellId: "gen/m1/e1/0",
      status: "scored",
      score: 3,
      passed: true,
      promptFile: "code/gen/mistral/1.0.0.yml",
      family: "mistral",
      usage: { inputTokens: 10, outputTokens: 5 },
      judgeUsage: { inputTokens: 20, outputTokens: 3 },
      response: "print(1)",
      judgeExplanation: "fine",
      finishedAt: "2025-01-01T00:00:00.000Z",
    });
    expect(seen).toMatchObject({
      input: "write fizzbuzz",
      response: "print(1)",
      reference: "ref",
      feature: "gen",
    });
    expect((await run(executor(replying(success), judging(scored(2))))).passed).toBe(false);
  });

  it("a render error is an error record", async () => {
    const record = await run(
      executor(replying(success), judging(scored(4)), async () => {
        throw new Error("undefined variable 'q' at gen.yml:3");
      }),
    );
    expect(record).toMatchObject({ status: "error" });
    expect(record.reason).toContain("render failed: undefined variable");
  });

  it("a failed model call is an error with its class; content filtering is unscored", async () => {
    const failed = await run(
      executor(
        replying({
          ok: false,
          errorClass: "auth",
          message: "401",
          latencyMs: 1,
          requestId: undefined,
        }),
        judging(scored(4)),
      ),
    );
    expect(failed).toMatchObject({ status: "error", errorClass: "auth" });
    const filtered = await run(
      executor(
        replying({
          ok: false,
          errorClass: "content_filtered",
          message: "blocked",
          latencyMs: 1,
          requestId: undefined,
        }),
        judging(scored(4)),
      ),
    );
    expect(filtered).toMatchObject({ status: "unscored", errorClass: "content_filtered" });
    const finish = await run(
      executor(replying({ ...success, finishReason: "content_filter" }), judging(scored(4))),
    );
    expect(finish).toMatchObject({ status: "unscored" });
    expect(finish.score).toBeUndefined();
  });

  it("an unparseable or refusing judge leaves the cell unscored, never passed", async () => {
    const unparseable = await run(
      executor(
        replying(success),
        judging({
          kind: "unscored",
          reason: "no_score",
          rawReply: "looks ok",
          usage: undefined,
          attempts: 3,
        }),
      ),
    );
    expect(unparseable).toMatchObject({ status: "unscored", judgeExplanation: "looks ok" });
    expect(unparseable.reason).toMatch(/no usable score.*3 attempt/);
    expect(unparseable.passed).toBeUndefined();
    const refusal = await run(
      executor(
        replying(success),
        judging({
          kind: "unscored",
          reason: "refusal",
          rawReply: "I can't",
          usage: undefined,
          attempts: 1,
        }),
      ),
    );
    expect(refusal.reason).toMatch(/refused/);
  });

  it("a judge call failure or a throwing judge is an error record", async () => {
    const failed = await run(
      executor(
        replying(success),
        judging({
          kind: "error",
          errorClass: "server",
          message: "500",
          usage: undefined,
          attempts: 1,
        }),
      ),
    );
    expect(failed).toMatchObject({ status: "error", errorClass: "server", response: "print(1)" });
    const threw = await run(
      executor(
        replying(success),
        judging(async () => {
          throw new TypeError("bug");
        }),
      ),
    );
    expect(threw).toMatchObject({ status: "error" });
    expect(threw.reason).toContain("bug");
  });

  it("a cancelled cell rejects instead of producing a record", async () => {
    const controller = new AbortController();
    const slow: ModelClient = {
      complete: (req) =>
        new Promise((_, reject) =>
          req.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
        ),
    };
    const pending = executor(slow, judging(scored(4)))(cell, controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow();
  });
});
