import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { AnswerKeyEntry } from "../../src/simulator/index.js";
import { judgePrompt, useSimulators } from "./simulator-test-support.js";

const NOUNS = [
  "cache",
  "queue",
  "parser",
  "token",
  "session",
  "invoice",
  "pipeline",
  "runner",
  "buffer",
  "schema",
];
const VERBS = [
  "validates",
  "stores",
  "rejects",
  "retries",
  "flushes",
  "renders",
  "merges",
  "signs",
  "sorts",
  "trims",
];

/** 200 varied examples: prose with numbers and negations, code blocks, one-line messages. */
function syntheticAnswerKey(n: number): AnswerKeyEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const noun = NOUNS[i % NOUNS.length]!;
    const verb = VERBS[(i * 7) % VERBS.length]!;
    const other = NOUNS[(i * 3 + 1) % NOUNS.length]!;
    const question = `Example ${i}: explain how the ${noun} module ${verb} each ${other} entry (case ${i * 13})`;
    let reference: string;
    if (i % 3 === 0) {
      reference = `The ${noun} ${verb} every ${other} entry before it is written. It does not touch entries older than ${i + 5} days. Failures are logged and the ${other} is retried up to ${(i % 4) + 2} times.`;
    } else if (i % 3 === 1) {
      reference = `\`\`\`python\ndef ${verb}_${noun}(entries):\n    kept = [e for e in entries if e.age < ${i + 3}]\n    for entry in kept:\n        entry.${other} = entry.${other}.strip()\n    return sorted(kept, key=lambda e: e.id)\n\`\`\``;
    } else {
      reference = `Fix ${noun} so it ${verb} ${other} entries in batches of ${i * 2 + 10}`;
    }
    return {
      feature: i % 2 === 0 ? "explain" : "generate",
      inputs: { question, id: `ex-${i}` },
      reference,
    };
  });
}

async function passRate(url: string, model: string, entries: AnswerKeyEntry[]): Promise<number> {
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: "k", maxRetries: 0 });
  let passed = 0;
  for (let at = 0; at < entries.length; at += 25) {
    const batch = entries.slice(at, at + 25);
    const scores = await Promise.all(
      batch.map(async (entry) => {
        const question = String(entry.inputs["question"]);
        const answer = await openai.chat.completions.create({
          model,
          messages: [
            { role: "system", content: "You are a helpful engineer." },
            { role: "user", content: `Please help.\n${question}\nThanks!` },
          ],
        });
        const response = answer.choices[0]!.message.content!;
        const verdict = await openai.chat.completions.create({
          model: "judge-model",
          messages: [
            {
              role: "system",
              content:
                "Grade the response against the reference. Reply SCORE: <1-4> then EXPLANATION.",
            },
            { role: "user", content: judgePrompt(question, entry.reference, response) },
          ],
        });
        const text = verdict.choices[0]!.message.content!;
        expect(text).toMatch(/^SCORE: [1-4]\nEXPLANATION: \S.+$/);
        return Number(/SCORE: ([1-4])/.exec(text)![1]);
      }),
    );
    passed += scores.filter((s) => s >= 3).length;
  }
  return passed / entries.length;
}

describe("simulated model quality and judges", () => {
  const start = useSimulators();
  const answerKey = syntheticAnswerKey(200);

  it("calibrates: the judged pass rate per model tracks its quality", async () => {
    const sim = await start({
      answerKey,
      profile: {
        models: {
          strong: { quality: 0.85 },
          weak: { quality: { explain: 0.3, generate: 0.3, default: 0.9 } },
          "judge-model": { role: "judge", quality: 0.9 },
        },
      },
    });
    expect(Math.abs((await passRate(sim.url, "strong", answerKey)) - 0.85)).toBeLessThanOrEqual(
      0.08,
    );
    expect(Math.abs((await passRate(sim.url, "weak", answerKey)) - 0.3)).toBeLessThanOrEqual(0.08);
  });

  it("treats a model the profile does not name as middling (0.6), not an error", async () => {
    const sim = await start({
      answerKey,
      profile: { models: { "judge-model": { role: "judge" } } },
    });
    expect(
      Math.abs((await passRate(sim.url, "never-heard-of-it", answerKey)) - 0.6),
    ).toBeLessThanOrEqual(0.1);
  });

  it("reaches a profile entry through an alias (wire name -> catalog name)", async () => {
    const sim = await start({
      answerKey,
      aliases: { "mistralai/Mistral-7B-Instruct-v0.3": "mistral-7b" },
      profile: { models: { "mistral-7b": { quality: 0 } } },
    });
    expect(
      await passRate(sim.url, "mistralai/Mistral-7B-Instruct-v0.3", answerKey.slice(0, 40)),
    ).toBeLessThanOrEqual(0.1);
    expect(Object.keys(sim.stats().models)).toContain("mistral-7b");
  });

  it("is deterministic: the same requests get the same answers from two simulator instances", async () => {
    const ask = async () => {
      const sim = await start({ answerKey, profile: { defaults: { quality: 0.5 } } });
      const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "k", maxRetries: 0 });
      const answers: string[] = [];
      for (const model of ["a", "b"]) {
        for (const entry of answerKey.slice(0, 15)) {
          const res = await openai.chat.completions.create({
            model,
            messages: [{ role: "user", content: String(entry.inputs["question"]) }],
          });
          answers.push(res.choices[0]!.message.content!);
        }
      }
      return answers;
    };
    const first = await ask();
    expect(new Set(first).size).toBeGreaterThan(10);
    expect(await ask()).toEqual(first);
  });

  it("grades like a reference-guided judge: close answers 3–4, contradictions and off-topic 1–2", async () => {
    const sim = await start();
    const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "k", maxRetries: 0 });
    const reference =
      "The retry loop waits 2 seconds between attempts and gives up after 5 failures. It does not retry on 4xx errors.";
    const grade = async (response: string) => {
      const res = await openai.chat.completions.create({
        model: "any-judge",
        messages: [{ role: "user", content: judgePrompt("task", reference, response) }],
      });
      return Number(/SCORE: ([1-4])/.exec(res.choices[0]!.message.content!)![1]);
    };
    expect(await grade(reference)).toBe(4);
    expect(await grade(reference.replace("waits", "pauses"))).toBeGreaterThanOrEqual(3);
    expect(await grade(reference.replace("5 failures", "50 failures"))).toBeLessThanOrEqual(2);
    expect(await grade(reference.replace("does not retry", "does retry"))).toBeLessThanOrEqual(2);
    expect(await grade("Use a hash map to count the words in the file.")).toBe(1);
  });
});
