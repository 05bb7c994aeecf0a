import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEvaluatorJudge, loadEvaluator } from "../../src/judges/index.js";
import { scratchFolder } from "./evaluator-files.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const section = readme.slice(readme.indexOf("### `evaluators/<name>.yaml` (judge rubric)"));
const example = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;

describe("the README's evaluator example", () => {
  const folder = scratchFolder();

  it("loads, and its syntax check fails code that does not parse without calling the judge", async () => {
    const evaluator = await loadEvaluator(folder.write("code_correctness.yaml", example));
    expect(evaluator.criteria.map((c) => [c.name, c.check?.kind ?? "judged"])).toEqual([
      ["correctness", "judged"],
      ["syntax", "code_check"],
    ]);
    const judge = createEvaluatorJudge({
      evaluator,
      model: {
        judgeName: "j",
        client: {
          complete: async () => {
            throw new Error("the judge must not be called when a min-combined check fails");
          },
        },
      },
    });
    const outcome = await judge.judge({
      input: "Write f",
      response: "```python\ndef f(:\n```",
      reference: "```python\ndef f(): pass\n```",
      feature: "code_generations",
    });
    expect(outcome).toMatchObject({
      kind: "scored",
      score: { score: 1, criteria: { syntax: 1 }, judge: "j" },
      attempts: 0,
    });
  });
});

describe("the evaluator example in docs/datasets-and-judges.md", () => {
  const folder = scratchFolder();
  const docs = readFileSync(new URL("../../docs/datasets-and-judges.md", import.meta.url), "utf8");
  const docsExample = /## Evaluators \(judge rubrics\)[\s\S]*?```yaml\n([\s\S]*?)```/.exec(
    docs,
  )![1]!;

  it("loads with its weighted combination and contains check", async () => {
    const evaluator = await loadEvaluator(folder.write("answer_correctness.yaml", docsExample));
    expect(evaluator.combine).toEqual({
      weighted: { correctness: 2, readability: 1, mentions_docs: 1 },
    });
    expect(evaluator.criteria[2]!.check).toEqual({
      kind: "contains",
      value: "docs.example.com",
      ignore_case: false,
      normalize_whitespace: true,
    });
  });
});
