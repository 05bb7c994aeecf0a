import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { createDeterministicScorer, type JudgeInput } from "../../src/judges/index.js";

function input(response: string, reference: string | undefined): JudgeInput {
  return { input: "q", response, reference, feature: "f" };
}

async function scoreOf(
  scorer: ReturnType<typeof createDeterministicScorer>,
  response: string,
  reference: string | undefined,
): Promise<number | null | string> {
  const outcome = await scorer.judge(input(response, reference));
  if (outcome.kind === "scored") return outcome.score.score;
  if (outcome.kind === "unscored") return outcome.reason;
  return "error";
}

describe("createDeterministicScorer", () => {
  it("exact: 4 on a match after whitespace normalisation, 1 otherwise", async () => {
    const exact = createDeterministicScorer({ kind: "exact" });
    expect(await scoreOf(exact, "  return a + b\n", "return a + b")).toBe(4);
    expect(await scoreOf(exact, "return a  +\n b", "return a + b")).toBe(4);
    expect(await scoreOf(exact, "Return a + b", "return a + b")).toBe(1);
    expect(await scoreOf(exact, "return a + b;", "return a + b")).toBe(1);
    const strict = createDeterministicScorer({ kind: "exact", normalizeWhitespace: false });
    expect(await scoreOf(strict, "x\n", "x")).toBe(1);
    const loose = createDeterministicScorer({ kind: "exact", ignoreCase: true });
    expect(await scoreOf(loose, "Return A + B", "return a + b")).toBe(4);
  });

  it("contains: 4 when the reference appears in the response", async () => {
    const contains = createDeterministicScorer({ kind: "contains" });
    expect(await scoreOf(contains, "The answer is 42.", "42")).toBe(4);
    expect(await scoreOf(contains, "The answer is 41.", "42")).toBe(1);
  });

  it("regex: the reference is the pattern unless one is given", async () => {
    const byReference = createDeterministicScorer({ kind: "regex" });
    expect(await scoreOf(byReference, "def add(a, b):", "def\\s+add\\(")).toBe(4);
    expect(await scoreOf(byReference, "function add(a, b)", "def\\s+add\\(")).toBe(1);
    expect(await scoreOf(byReference, "x", "(unclosed")).toBe("invalid_reference_pattern");
    const fixed = createDeterministicScorer({
      kind: "regex",
      pattern: "^SELECT\\b",
      ignoreCase: true,
    });
    expect(await scoreOf(fixed, "select * from t", undefined)).toBe(4);
    expect(await scoreOf(fixed, "DELETE FROM t", undefined)).toBe(1);
  });

  it("is unscored, never a pass or a fail, without a reference", async () => {
    for (const kind of ["exact", "contains", "regex"] as const) {
      const scorer = createDeterministicScorer({ kind });
      expect(await scoreOf(scorer, "anything", undefined)).toBe("no_reference");
      expect(await scoreOf(scorer, "anything", "")).toBe("no_reference");
    }
  });

  it("returns the judge's outcome shape with an explanation and no model calls", async () => {
    const outcome = await createDeterministicScorer({ kind: "contains", name: "has-answer" }).judge(
      input("it is 42", "42"),
    );
    expect(outcome).toEqual({
      kind: "scored",
      score: { score: 4, explanation: "response contains the reference", judge: "has-answer" },
      usage: undefined,
      attempts: 0,
    });
    const miss = await createDeterministicScorer({ kind: "exact" }).judge(input("a", "b"));
    expect(miss).toMatchObject({
      score: {
        score: 1,
        explanation: "response does not equal the reference",
        judge: "deterministic:exact",
      },
    });
  });

  it("rejects a bad pattern up front", () => {
    expect(() => createDeterministicScorer({ kind: "regex", pattern: "([" })).toThrow(UserError);
    expect(() => createDeterministicScorer({ kind: "exact", pattern: "x" })).toThrow(
      /"pattern" only applies to the regex scorer/,
    );
  });
});
