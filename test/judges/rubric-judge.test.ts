import { describe, expect, it } from "vitest";
import type { ModelClient, ModelRequest, ModelResponse } from "../../src/core/types.js";
import {
  createRubricJudge,
  type Evaluator,
  type JudgeInput,
  loadEvaluator,
} from "../../src/judges/index.js";
import { CODE_CORRECTNESS, scratchFolder } from "./evaluator-files.js";

const scratch = scratchFolder();

type Scripted = string | ModelResponse | Error;

/** A stand-in for an external judge model: replies from a script, remembers each request. */
class ScriptedModel implements ModelClient {
  readonly requests: ModelRequest[] = [];
  constructor(
    private readonly script: Scripted[],
    // null: the model reports no usage (an explicit `undefined` would pick the default).
    private readonly usagePerReply: { inputTokens: number; outputTokens: number } | null = {
      inputTokens: 100,
      outputTokens: 10,
    },
  ) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(structuredClone({ ...request, signal: undefined }));
    const next = this.script[this.requests.length - 1];
    if (next === undefined) throw new Error("the script ran out: the judge asked too often");
    if (next instanceof Error) throw next;
    if (typeof next !== "string") return next;
    return {
      ok: true,
      text: next,
      finishReason: "stop",
      usage: this.usagePerReply ?? undefined,
      latencyMs: 5,
      requestId: `req-${this.requests.length}`,
    };
  }
}

const rateLimited: ModelResponse = {
  ok: false,
  errorClass: "rate_limited",
  message: "429 Too Many Requests",
  status: 429,
  retryAfterMs: 2000,
  latencyMs: 3,
  requestId: undefined,
};

let evaluator: Evaluator;
async function codeCorrectness(): Promise<Evaluator> {
  evaluator ??= await loadEvaluator(scratch.write("code_correctness.yaml", CODE_CORRECTNESS));
  return evaluator;
}

const cellInput: JudgeInput = {
  input: "Write add(a, b) in Python",
  response: "def add(a, b):\n    return a + b",
  reference: "return a + b",
  feature: "code_generations",
  cell: { cellId: "c1", feature: "code_generations", model: "m", exampleId: "e1", repeat: 0 },
};

async function judgeWith(script: Scripted[], options: { maxParseRetries?: number } = {}) {
  const model = new ScriptedModel(script);
  const judge = createRubricJudge({
    evaluator: await codeCorrectness(),
    client: model,
    judgeName: "claude-judge",
    maxParseRetries: options.maxParseRetries,
    params: { temperature: 0, max_tokens: 200 },
  });
  return { model, judge, outcome: await judge.judge(cellInput) };
}

describe("createRubricJudge", () => {
  it("scores a well-formed reply in one call, sending the rendered rubric", async () => {
    const { model, judge, outcome } = await judgeWith([
      "SCORE: 4\nEXPLANATION: Correct and minimal.",
    ]);
    expect(judge.name).toBe("claude-judge");
    expect(outcome).toEqual({
      kind: "scored",
      score: { score: 4, explanation: "Correct and minimal.", judge: "claude-judge" },
      usage: { inputTokens: 100, outputTokens: 10 },
      attempts: 1,
    });
    expect(model.requests).toHaveLength(1);
    const [request] = model.requests;
    expect(request!.params).toEqual({ temperature: 0, max_tokens: 200 });
    expect(request!.cell).toEqual(cellInput.cell);
    expect(request!.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(request!.messages[0]!.content).toContain("strict reviewer for code_generations");
    expect(request!.messages[1]!.content).toBe(
      "<task>Write add(a, b) in Python</task>\n<reference>return a + b</reference>\n<response>def add(a, b):\n    return a + b</response>",
    );
  });

  it("re-asks after an unparseable reply with a corrective follow-up, summing usage", async () => {
    const { model, outcome } = await judgeWith([
      "I'd give it a 3, the code is fine.",
      "SCORE: 3\nEXPLANATION: Fine.",
    ]);
    expect(outcome).toEqual({
      kind: "scored",
      score: { score: 3, explanation: "Fine.", judge: "claude-judge" },
      usage: { inputTokens: 200, outputTokens: 20 },
      attempts: 2,
    });
    const second = model.requests[1]!.messages;
    expect(second.slice(0, 2)).toEqual(model.requests[0]!.messages);
    expect(second[2]).toEqual({ role: "assistant", content: "I'd give it a 3, the code is fine." });
    expect(second[3]!.role).toBe("user");
    expect(second[3]!.content).toMatch(
      /did not contain a score line.*\nSCORE: <1-4>\nEXPLANATION:/s,
    );
    expect(model.requests[1]!.params).toEqual(model.requests[0]!.params);
  });

  it("keeps only the latest exchange when re-asking twice", async () => {
    const { model, outcome } = await judgeWith(["no idea", "SCORE: 7", "SCORE: 2"]);
    expect(outcome).toMatchObject({ kind: "scored", score: { score: 2 }, attempts: 3 });
    const third = model.requests[2]!.messages;
    expect(third).toHaveLength(4);
    expect(third[2]!.content).toBe("SCORE: 7");
    expect(third[3]!.content).toMatch(/^Your score is not one of 1, 2, 3, 4\./);
  });

  it("gives up as unscored after the parse retries, never as a pass", async () => {
    const { model, outcome } = await judgeWith(["looks good", "great job!", "Definitely a 4."]);
    expect(outcome).toEqual({
      kind: "unscored",
      reason: "no_score",
      rawReply: "Definitely a 4.",
      usage: { inputTokens: 300, outputTokens: 30 },
      attempts: 3,
    });
    expect(model.requests).toHaveLength(3);
  });

  it("reports out_of_scale when the last reply's score is outside the scale", async () => {
    const { outcome } = await judgeWith(["SCORE: 5", "SCORE: 5"], { maxParseRetries: 1 });
    expect(outcome).toMatchObject({ kind: "unscored", reason: "out_of_scale", attempts: 2 });
  });

  it("asks once when maxParseRetries is 0", async () => {
    const { model, outcome } = await judgeWith(["hmm"], { maxParseRetries: 0 });
    expect(outcome).toMatchObject({ kind: "unscored", reason: "no_score", attempts: 1 });
    expect(model.requests).toHaveLength(1);
  });

  it("does not re-ask a judge that refuses", async () => {
    const { model, outcome } = await judgeWith(["I'm sorry, but I can't help with that."]);
    expect(outcome).toEqual({
      kind: "unscored",
      reason: "refusal",
      rawReply: "I'm sorry, but I can't help with that.",
      usage: { inputTokens: 100, outputTokens: 10 },
      attempts: 1,
    });
    expect(model.requests).toHaveLength(1);
  });

  it("returns a transport failure as an error at once, leaving retries to the runner", async () => {
    const { model, outcome } = await judgeWith([rateLimited, "SCORE: 4"]);
    expect(outcome).toEqual({
      kind: "error",
      errorClass: "rate_limited",
      message: "429 Too Many Requests",
      retryAfterMs: 2000,
      usage: undefined,
      attempts: 1,
    });
    expect(model.requests).toHaveLength(1);
  });

  it("keeps the usage of earlier attempts when a re-ask fails in transport", async () => {
    const { outcome } = await judgeWith([
      "no score here",
      { ...rateLimited, errorClass: "timeout", message: "timed out" },
    ]);
    expect(outcome).toMatchObject({
      kind: "error",
      errorClass: "timeout",
      usage: { inputTokens: 100, outputTokens: 10 },
      attempts: 2,
    });
  });

  it("turns a client that throws into an error outcome", async () => {
    const { outcome } = await judgeWith([new Error("socket hang up")]);
    expect(outcome).toMatchObject({
      kind: "error",
      errorClass: "server",
      message: "judge client failed unexpectedly: socket hang up",
    });
  });

  it("leaves usage undefined when the judge model reports none", async () => {
    const model = new ScriptedModel(["SCORE: 1\nEXPLANATION: wrong"], null);
    const judge = createRubricJudge({
      evaluator: await codeCorrectness(),
      client: model,
      judgeName: "j",
    });
    const outcome = await judge.judge(cellInput);
    expect(outcome).toMatchObject({ kind: "scored", score: { score: 1 }, usage: undefined });
    expect(model.requests[0]!.params).toEqual({});
  });
});
