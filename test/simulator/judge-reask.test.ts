import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { correctiveMessage, createRubricJudge, parseJudgeReply } from "../../src/judges/index.js";
import { createModelClient } from "../../src/providers/index.js";
import type { SimulatorProfile } from "../../src/simulator/index.js";
import { catalogModel } from "../providers/test-models.js";
import { handWrittenEvaluator } from "../support/evaluators.js";
import { judgePrompt, useSimulators } from "./simulator-test-support.js";

/**
 * A rubric judge re-asks after an unparseable reply by sending the conversation again with
 * its bad reply and a corrective user message appended. The simulated judge must grade the
 * tagged message from earlier in the conversation, so a re-ask scores like a clean first ask.
 */

const SYSTEM = "Grade the response 1-4. Reply with SCORE: <n> and EXPLANATION: <sentence>.";
const REFERENCE =
  "The function returns the sum of the invoice lines, rounded to two decimal places, and never returns a negative total.";
const RESPONSES = [
  REFERENCE,
  "It adds up the invoice lines and rounds the result to two decimal places; the total is never negative.",
  "It adds up the invoice lines.",
  "The function returns a negative total when a refund is applied.",
  "It sorts the users by their signup date.",
];
const BAD_REPLY = "The response addresses the task reasonably well overall.";

function scoreLine(text: string): string | undefined {
  return /^SCORE: \d/m.exec(text)?.[0];
}

describe("simulated judge re-asks", () => {
  const start = useSimulators();

  it("grades a re-ask's earlier tagged message exactly as the clean first ask (openai SDK)", async () => {
    // The judge is not marked role: judge, so the tags alone must make it a judge request.
    const sim = await start({ profile: { defaults: { latency_ms: 0 } } });
    const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "k", maxRetries: 0 });
    const ask = async (messages: OpenAI.ChatCompletionMessageParam[]) =>
      (await openai.chat.completions.create({ model: "some-judge", messages })).choices[0]!.message
        .content!;
    const corrective = correctiveMessage(
      parseJudgeReply(BAD_REPLY, [1, 2, 3, 4]),
      handWrittenEvaluator({ system: SYSTEM, user: "" }),
    );
    const scores = new Set<string>();
    for (const response of RESPONSES) {
      const first: OpenAI.ChatCompletionMessageParam[] = [
        { role: "system", content: SYSTEM },
        { role: "user", content: judgePrompt("Explain total()", REFERENCE, response) },
      ];
      const clean = scoreLine(await ask(first));
      expect(clean, response).toBeDefined();
      const reask = await ask([
        ...first,
        { role: "assistant", content: BAD_REPLY },
        { role: "user", content: corrective },
      ]);
      expect(scoreLine(reask), response).toBe(clean);
      scores.add(clean!);
    }
    // The cases span the scale, so matching scores are not a coincidence of one grade.
    expect(scores.size).toBeGreaterThanOrEqual(3);
  });

  it("a rubric judge whose first replies lack a score re-asks and scores as a clean judge", async () => {
    const evaluator = handWrittenEvaluator({
      system: SYSTEM,
      user: "<task>{{ input }}</task>\n<reference>{{ reference }}</reference>\n<response>{{ response }}</response>",
    });
    const profile = (noScore: number): SimulatorProfile => ({
      defaults: { latency_ms: 0 },
      models: { "sim-judge": { role: "judge", quality: 0.9, faults: { judge_no_score: noScore } } },
    });
    const judgeOn = (url: string) =>
      createRubricJudge({
        evaluator,
        judgeName: "sim-judge",
        maxParseRetries: 3,
        client: createModelClient(
          catalogModel({
            name: "sim-judge",
            identifier: "custom_openai/sim-judge",
            servedName: "sim-judge",
            endpoint: `${url}/v1`,
          }),
        ),
      });
    const clean = judgeOn((await start({ profile: profile(0) })).url);
    const flaky = judgeOn((await start({ profile: profile(0.5) })).url);
    let reasked = 0;
    for (const [i, response] of RESPONSES.entries()) {
      for (const task of ["Explain total()", "What does total() return?", `Case ${i}`]) {
        const input = { input: task, response, reference: REFERENCE, feature: "explain" };
        const expected = await clean.judge(input);
        const got = await flaky.judge(input);
        expect(expected.kind).toBe("scored");
        if (got.kind !== "scored") continue;
        if (got.attempts > 1) reasked += 1;
        expect(got.score.score, `${task} / ${response}`).toBe(
          expected.kind === "scored" ? expected.score.score : undefined,
        );
      }
    }
    expect(reasked).toBeGreaterThan(0);
  });
});

describe("a judge sharing its served name with a model under test", () => {
  const start = useSimulators();

  it("answers judge requests with the judge's profile entry and other requests with the model's", async () => {
    // Both catalog entries serve "shared/served-model"; only the judge's entry drops the score.
    const sim = await start({
      profile: {
        defaults: { latency_ms: 0 },
        models: {
          "the-model": { quality: 0.9 },
          "the-judge": { role: "judge", faults: { judge_no_score: 1 } },
        },
      },
      aliases: { "shared/served-model": "the-model" },
      judgeAliases: { "shared/served-model": "the-judge" },
    });
    const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "k", maxRetries: 0 });
    const ask = async (content: string) =>
      (
        await openai.chat.completions.create({
          model: "shared/served-model",
          messages: [{ role: "user", content }],
        })
      ).choices[0]!.message.content!;
    const graded = await ask(judgePrompt("Explain total()", REFERENCE, RESPONSES[0]!));
    expect(scoreLine(graded)).toBeUndefined();
    const answered = await ask("Explain what total() returns.");
    expect(answered.length).toBeGreaterThan(0);
    const stats = sim.stats();
    expect(stats.models["the-judge"]?.requests).toBe(1);
    expect(stats.models["the-model"]?.requests).toBe(1);
  });
});
