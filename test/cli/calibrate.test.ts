/**
 * `evalgate calibrate` through the real CLI: the shipped label file, graded by the simulator's
 * judge (deterministic: its grade depends only on judge, reference and response), gives the
 * exact agreement table; one statistic is recomputed here from the printed confusion matrix.
 * Label files in both formats, and their line-numbered errors.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabelFile } from "../../src/datasets/index.js";
import {
  BUNDLED_CONFIG,
  cleanEnv,
  ROOT,
  runInProcess,
  type TempDir,
  tempDir,
  writeText,
} from "./run-test-support.js";

const SHIPPED = "datasets/calibration/duo_chat_explain_code-labels.jsonl";

let temp: TempDir;
beforeAll(async () => {
  temp = await tempDir("evalgate-calibrate-");
});
afterAll(() => temp.cleanup());

const TABLE = `evaluator explanation_quality: judge claude-3-5-sonnet-judge against 2 rater(s) (alice, bob) on 24 labelled response(s) from ${SHIPPED}
judged 24, no grade 0; compared 48 (response, rater) pair(s)

statistic             judge–human  human–human
quadratic-weighted κ  0.695        0.900 (alice–bob)
ordinal α             0.645        0.912
κ on pass (≥ 3)       0.595        —
exact agreement       52.1%        —
within one grade      79.2%        —

confusion (rows: human grade, columns: judge grade)
         judge 1  judge 2  judge 3  judge 4
human 1  14       0        0        0
human 2  8        0        0        0
human 3  10       0        0        1
human 4  0        0        4        11
`;

/** Quadratic-weighted κ straight from a confusion matrix: 1 − Σ w·O / Σ w·E. */
function quadraticKappaOf(confusion: number[][]): number {
  const n = confusion.flat().reduce((a, b) => a + b, 0);
  const rows = confusion.map((r) => r.reduce((a, b) => a + b, 0));
  const cols = confusion[0]!.map((_, j) => confusion.reduce((a, r) => a + r[j]!, 0));
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      observed += (i - j) ** 2 * confusion[i]![j]!;
      expected += ((i - j) ** 2 * rows[i]! * cols[j]!) / n;
    }
  }
  return 1 - observed / expected;
}

describe("evalgate calibrate", () => {
  it("prints the agreement table for the shipped label file and writes calibration.json", async () => {
    const out = temp.path("shipped");
    const result = await runInProcess(
      [
        "calibrate",
        "--config",
        BUNDLED_CONFIG,
        "--evaluator",
        "explanation_quality",
        "--labels",
        SHIPPED,
        "--simulate",
        "--no-cache",
        "--out",
        out,
      ],
      ROOT,
      cleanEnv(),
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toBe(`${TABLE}\ncalibration: ${join(out, "calibration.json")}\n`);
    const written = JSON.parse(readFileSync(join(out, "calibration.json"), "utf8"));
    expect(written.agreement.confusion).toEqual([
      [14, 0, 0, 0],
      [8, 0, 0, 0],
      [10, 0, 0, 1],
      [0, 0, 4, 11],
    ]);
    // By hand: Σ w·O = 8·1 + 10·4 + 1·1 + 4·1 = 53; row totals 14, 8, 11, 15 and column
    // totals 32, 0, 4, 12 give Σ w·E = 173.5; κ = 1 − 53/173.5 = 0.69452.
    expect(quadraticKappaOf(written.agreement.confusion)).toBeCloseTo(
      written.agreement.quadraticKappa,
      12,
    );
    expect(written.agreement.quadraticKappa.toFixed(4)).toBe("0.6945");
    expect(written.agreement.exact).toBe(25 / 48);
    expect(written.agreement.withinOne).toBe(38 / 48);
    expect(written.responses).toHaveLength(24);
    expect(written.responses[0]).toEqual({
      id: "explain-01",
      ratings: { alice: 4, bob: 4 },
      judge: 4,
    });
    expect(written).toMatchObject({
      evaluator: "explanation_quality",
      judge: "claude-3-5-sonnet-judge",
      statistic: "quadraticKappa",
      minAgreement: null,
      passed: null,
    });
  });

  it("reads the same labels from CSV, rater_<name> columns", async () => {
    const jsonl = await readLabelFile(join(ROOT, SHIPPED));
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const csv = [
      "id,input,response,reference,rater_alice,rater_bob",
      ...jsonl.responses.map((r) =>
        [
          r.id,
          quote(r.input),
          quote(r.response),
          quote(r.reference!),
          r.ratings.alice,
          r.ratings.bob,
        ].join(","),
      ),
    ].join("\n");
    const file = await writeText(temp.path("labels.csv"), csv);
    const fromCsv = await readLabelFile(file);
    expect(fromCsv.raters).toEqual(["alice", "bob"]);
    expect(fromCsv.responses.map(({ line: _l, ...r }) => r)).toEqual(
      jsonl.responses.map(({ line: _l, ...r }) => r),
    );
  });

  it("names the file and line of a bad label", async () => {
    const cases: [string, string, string][] = [
      [
        "bad-grade.jsonl",
        `{"id": "a", "input": "q", "response": "r", "ratings": {"ann": 3}}\n\n{"id": "b", "input": "q", "response": "r", "ratings": {"ann": 5}}`,
        `bad-grade.jsonl:3: rater "ann" gave 5; grades are whole numbers 1, 2, 3 or 4`,
      ],
      [
        "no-response.jsonl",
        `{"id": "a", "question": "q", "ratings": {"ann": 3}}`,
        `no-response.jsonl:1: missing "response"; every labelled response needs one`,
      ],
      [
        "duplicate.jsonl",
        `{"id": "a", "input": "q", "response": "r", "ratings": {"ann": 3}}\n{"id": "a", "input": "q", "response": "r", "ratings": {"ann": 2}}`,
        `duplicate.jsonl:2: id "a" is also on line 1; ids must be unique`,
      ],
      [
        "unrated.csv",
        `id,input,response,rater_ann,rater_bo\na,q,r,3,\nb,q,r,,`,
        `unrated.csv:3: response "b" has no grade; give at least one rater's 1–4 grade`,
      ],
      [
        "no-raters.csv",
        `id,input,response\na,q,r`,
        `no-raters.csv:1: no rater columns; name one column per rater rater_<name> (e.g. rater_alice)`,
      ],
    ];
    for (const [name, text, message] of cases) {
      const file = await writeText(temp.path(name), text);
      const result = await runInProcess(
        [
          "calibrate",
          "--config",
          BUNDLED_CONFIG,
          "--evaluator",
          "explanation_quality",
          "--labels",
          file,
        ],
        temp.dir,
        cleanEnv(),
      );
      expect(result.code, name).toBe(2);
      expect(result.err, name).toContain(message);
      expect(result.err, name).not.toMatch(/\n\s+at /);
    }
  });

  it("says what to pass when the evaluator has no labels, and names unknown evaluators", async () => {
    const none = await runInProcess(
      ["calibrate", "--config", BUNDLED_CONFIG, "--evaluator", "explanation_quality"],
      temp.dir,
      cleanEnv(),
    );
    expect(none.code).toBe(2);
    expect(none.err).toContain(
      `evaluator "explanation_quality" has no calibration: labels; pass --labels FILE or add calibration: { labels: FILE } to`,
    );
    const unknown = await runInProcess(
      [
        "calibrate",
        "--config",
        BUNDLED_CONFIG,
        "--evaluator",
        "explanation_qualty",
        "--labels",
        SHIPPED,
      ],
      ROOT,
      cleanEnv(),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(`unknown evaluator "explanation_qualty"`);
  });
});
