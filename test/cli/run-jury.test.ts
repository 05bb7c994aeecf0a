/**
 * Juries end to end: `evalgate run` on a purpose-built OpenAI-compatible server that plays
 * the model under test (it echoes the example) and three judges, one of them biased two grades
 * low. Exact aggregates, per-juror records, disagreement, α, juror failures, self-preference
 * and judge_policy: other_family, and the calibration gate.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import { krippendorffAlpha } from "../../src/scoring/index.js";
import { VALID_FILES, writeTempConfig } from "../config/temp-config.js";
import {
  type StubServer,
  sendCompletion,
  sendJson,
  startStubServer,
} from "../providers/stub-server.js";
import { cleanEnv, runInProcess } from "./run-test-support.js";

let server: StubServer;
/** Served names whose calls fail with HTTP 400 (not retried), and on which responses. */
let failing: { judge: string; when: (response: string) => boolean }[] = [];

beforeAll(async () => {
  server = await startStubServer();
  server.handle((request, res) => {
    const body = JSON.parse(request.body) as {
      model: string;
      messages: { role: string; content: string }[];
    };
    const user = body.messages.filter((m) => m.role === "user").at(-1)!.content;
    if (!body.model.startsWith("test/judge-")) {
      // The model under test answers with the grade its example asks for: "grade 3".
      sendCompletion(res, /grade \d/.exec(user)![0]);
      return;
    }
    const response = /<response>([\s\S]*?)<\/response>/.exec(user)![1]!;
    const judge = body.model.slice("test/".length);
    if (failing.some((f) => f.judge === judge && f.when(response))) {
      sendJson(res, 400, { error: { message: "judge overloaded", type: "invalid_request" } });
      return;
    }
    const grade = Number(/grade (\d)/.exec(response)![1]);
    const score = judge === "judge-c" ? Math.max(1, grade - 2) : grade;
    sendCompletion(res, `SCORE: ${score}\nEXPLANATION: ${judge} says ${score}`);
  });
});
afterAll(() => server.close());

const GRADES = [4, 4, 3, 3, 2, 1];

function files(options: {
  evaluatorExtra?: string;
  suiteExtra?: string;
  extraFiles?: Record<string, string>;
}) {
  const v1 = `${server.url}/v1`;
  const judge = (name: string, family: string) =>
    `  - name: ${name}\n    family: ${family}\n    identifier: custom_openai/test/${name}\n    endpoint: ${v1}\n    role: judge\n    params: { temperature: 0 }`;
  return {
    "models.yaml": `models:
  - name: mistral-local
    family: mistral
    identifier: custom_openai/test/mistral-local
    endpoint: ${v1}
  - name: mixtral-local
    family: mixtral
    identifier: custom_openai/test/mixtral-local
    endpoint: ${v1}
${judge("judge-a", "gpt")}
${judge("judge-b", "mistral")}
${judge("judge-c", "llama3")}
  - name: judge-model
    family: claude_3
    identifier: custom_openai/test/judge-model
    endpoint: ${v1}
    role: judge
`,
    "evalgate.yaml": VALID_FILES["evalgate.yaml"]!.replace(
      "    models: [mistral-local, mixtral-local]\n",
      `    models: [mistral-local]\n${options.suiteExtra ?? ""}`,
    ),
    "evaluators/quality.yaml": `${VALID_FILES["evaluators/quality.yaml"]}jury:
  models: [judge-a, judge-b, judge-c]
  aggregation: median
${options.evaluatorExtra ?? ""}`,
    "data/explain.jsonl": GRADES.map(
      (g, i) =>
        `{"id": "e${i + 1}", "inputs": {"code": "grade ${g}"}, "outputs": {"output": "ref"}}`,
    ).join("\n"),
    ...options.extraFiles,
  };
}

async function run(options: Parameters<typeof files>[0], args: string[] = []) {
  failing = failing.slice();
  const config = await writeTempConfig(files(options));
  const out = config.path("out");
  const result = await runInProcess(
    ["run", "--config", config.entry, "--out", out, "--no-cache", "--quiet", ...args],
    config.dir,
    cleanEnv(),
  );
  const records = () =>
    readFileSync(join(out, "journal.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as CellRecord)
      .sort((a, b) => a.exampleId.localeCompare(b.exampleId));
  const manifest = () => JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  return { ...result, config, records, manifest };
}

describe("a jury of three judges, one biased", () => {
  it("records every juror, aggregates by median, measures disagreement and α", async () => {
    failing = [];
    const r = await run({});
    try {
      expect(r.code).toBe(0);
      const records = r.records();
      expect(records.map((c) => c.score)).toEqual([4, 4, 3, 3, 2, 1]);
      expect(records.map((c) => c.judge)).toEqual(
        GRADES.map(() => "jury(judge-a,judge-b,judge-c)"),
      );
      expect(records[0]!.judges).toEqual([
        { name: "judge-a", score: 4, explanation: "judge-a says 4" },
        { name: "judge-b", score: 4, explanation: "judge-b says 4" },
        { name: "judge-c", score: 2, explanation: "judge-c says 2" },
      ]);
      expect(records.map((c) => c.disagreement)).toEqual([
        { range: 2, split: true },
        { range: 2, split: true },
        { range: 2, split: true },
        { range: 2, split: true },
        { range: 1, split: false },
        { range: 0, split: false },
      ]);
      const entry = r.manifest().summary.matrix[0];
      // α over the jurors' grades, from the whole rating matrix at once.
      const juror = (f: (g: number) => number) => GRADES.map(f);
      const expected = krippendorffAlpha(
        [juror((g) => g), juror((g) => g), juror((g) => Math.max(1, g - 2))],
        { level: "ordinal" },
      );
      expect(entry.judgeAgreement).toEqual({ alpha: expected, level: "ordinal", n: 6 });
      // Worked by hand from the coincidence matrix (scripted in Python, ordinal δ²): 0.34181.
      expect(entry.judgeAgreement.alpha.toFixed(4)).toBe("0.3418");
      expect(entry.judge).toBe("jury(judge-a,judge-b,judge-c)");
      expect(entry.passRate).toBe(4 / 6);
      // judge-b is of mistral's own family.
      expect(entry.selfPreferenceRisk).toEqual({ family: "mistral", judges: ["judge-b"] });
      expect(r.manifest().pairs[0].jury).toEqual({
        members: ["judge-a", "judge-b", "judge-c"],
        aggregation: "median",
      });
    } finally {
      await r.config.cleanup();
    }
  });

  it("warns about a judge of the model's own family on the console", async () => {
    failing = [];
    const config = await writeTempConfig(files({}));
    try {
      const result = await runInProcess(
        ["run", "--config", config.entry, "--out", config.path("out"), "--no-cache"],
        config.dir,
        cleanEnv(),
      );
      expect(result.code).toBe(0);
      expect(result.err).toContain(
        `evalgate: warning: mistral-local is graded by judge "judge-b" of its own family (mistral), which may favour its answers, in explain (selfPreferenceRisk in run.json); judge_policy: other_family refuses such pairs\n`,
      );
    } finally {
      await config.cleanup();
    }
  });

  it("majority and mean aggregate as documented", async () => {
    failing = [];
    for (const [aggregation, scores] of [
      ["mean", [10 / 3, 10 / 3, 7 / 3, 7 / 3, 5 / 3, 1]],
      ["majority", [4, 4, 3, 3, 2, 1]],
    ] as const) {
      const config = await writeTempConfig({
        ...files({}),
        "evaluators/quality.yaml": `${VALID_FILES["evaluators/quality.yaml"]}jury:\n  models: [judge-a, judge-b, judge-c]\n  aggregation: ${aggregation}\n`,
      });
      try {
        const out = config.path("out");
        const result = await runInProcess(
          ["run", "--config", config.entry, "--out", out, "--no-cache", "--quiet"],
          config.dir,
          cleanEnv(),
        );
        expect(result.code).toBe(0);
        const records = readFileSync(join(out, "journal.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as CellRecord)
          .sort((a, b) => a.exampleId.localeCompare(b.exampleId));
        expect(records.map((c) => c.score)).toEqual(scores);
      } finally {
        await config.cleanup();
      }
    }
  });
});

describe("an evaluator's own judge", () => {
  async function withJudge(judge: string) {
    failing = [];
    const config = await writeTempConfig({
      ...files({}),
      "evaluators/quality.yaml": `${VALID_FILES["evaluators/quality.yaml"]}judge: ${judge}\n`,
    });
    const out = config.path("out");
    const result = await runInProcess(
      ["run", "--config", config.entry, "--out", out, "--no-cache", "--quiet"],
      config.dir,
      cleanEnv(),
    );
    return { result, config, out };
  }

  it("grades instead of the suite's judge", async () => {
    const { result, config, out } = await withJudge("judge-c");
    try {
      expect(result.code).toBe(0);
      const records = readFileSync(join(out, "journal.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as CellRecord)
        .sort((a, b) => a.exampleId.localeCompare(b.exampleId));
      expect(records.map((c) => [c.judge, c.score])).toEqual(
        GRADES.map((g) => ["judge-c", Math.max(1, g - 2)]),
      );
      // One judge: the record lists it alone (a jury would list every member).
      expect(records[0]!.judges).toEqual([
        { name: "judge-c", score: records[0]!.score, explanation: records[0]!.judgeExplanation },
      ]);
      const entry = JSON.parse(readFileSync(join(out, "run.json"), "utf8")).summary.matrix[0];
      expect(entry.judge).toBe("judge-c");
      expect(entry.judgeAgreement).toBeNull();
      expect(entry.selfPreferenceRisk).toBeNull();
    } finally {
      await config.cleanup();
    }
  });

  it("never grades its own answers: naming the model under test is refused", async () => {
    const { result, config } = await withJudge("mistral-local");
    try {
      expect(result.code).toBe(2);
      expect(result.err).toContain(
        `evaluator "quality" would have mistral-local judge its own answers in feature explain (judge: mistral-local is the same model); name another judge, or a jury, in the evaluator`,
      );
    } finally {
      await config.cleanup();
    }
  });
});

describe("the model under test in its own jury", () => {
  it("sits out: the other members grade", async () => {
    failing = [];
    const config = await writeTempConfig({
      ...files({}),
      "evaluators/quality.yaml": `${VALID_FILES["evaluators/quality.yaml"]}jury:\n  models: [judge-a, mistral-local, judge-c]\n`,
    });
    try {
      const out = config.path("out");
      const result = await runInProcess(
        ["run", "--config", config.entry, "--out", out, "--no-cache", "--quiet"],
        config.dir,
        cleanEnv(),
      );
      expect(result.code).toBe(0);
      const records = readFileSync(join(out, "journal.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as CellRecord)
        .sort((a, b) => a.exampleId.localeCompare(b.exampleId));
      expect(records.map((c) => c.judge)).toEqual(GRADES.map(() => "jury(judge-a,judge-c)"));
      // The median of two is their mean: (4 + 2) / 2, (3 + 1) / 2, (2 + 1) / 2, (1 + 1) / 2.
      expect(records.map((c) => c.score)).toEqual([3, 3, 2, 2, 1.5, 1]);
      expect(
        server.requests.filter(
          (r) => r.body.includes('"test/mistral-local"') && r.body.includes("<response>"),
        ),
      ).toEqual([]);
    } finally {
      await config.cleanup();
    }
  });
});

describe("a juror whose call fails", () => {
  it("leaves the cell to the others while a majority remains", async () => {
    failing = [{ judge: "judge-c", when: (response) => response === "grade 4" }];
    const r = await run({});
    try {
      expect(r.code).toBe(0);
      const first = r.records()[0]!;
      expect(first.status).toBe("scored");
      expect(first.score).toBe(4);
      expect(first.judges![2]!.name).toBe("judge-c");
      expect(first.judges![2]!.score).toBeNull();
      expect(first.judges![2]!.explanation).toMatch(
        new RegExp(`^judge "judge-c" \\(${server.url}/v1\\) call failed: `),
      );
      expect(first.disagreement).toEqual({ range: 0, split: false });
    } finally {
      await r.config.cleanup();
    }
  });

  it("is an error of the judges, naming each failed judge and its endpoint, without a majority", async () => {
    failing = [
      { judge: "judge-b", when: (response) => response === "grade 1" },
      { judge: "judge-c", when: (response) => response === "grade 1" },
    ];
    const r = await run({});
    try {
      const last = r.records()[5]!;
      expect(last.status).toBe("error");
      expect(last.failedStage).toBe("judge");
      expect(last.judge).toBe("jury(judge-a,judge-b,judge-c)");
      expect(last.reason).toContain(
        `judge "jury(judge-a,judge-b,judge-c)" call failed: only 1 of 3 jurors graded (a majority is needed); judge "judge-b" (${server.url}/v1) failed: `,
      );
      expect(last.reason).toContain(`judge "judge-c" (${server.url}/v1) failed: `);
    } finally {
      await r.config.cleanup();
      failing = [];
    }
  });
});

describe("judge_policy: other_family", () => {
  it("refuses a jury with a judge of the model's family, exit 2, naming the pair and the fix", async () => {
    const r = await run({ suiteExtra: "    judge_policy: other_family\n" });
    try {
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        `explain × mistral-local: judge "judge-b" is of the model's own family (mistral), so it may favour its answers (self-preference), and suite "main" sets judge_policy: other_family; replace that member of the evaluator's jury.models with a judge of another family, or leave mistral-local out of the suite`,
      );
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      await r.config.cleanup();
    }
  });

  it("is checked by evalgate validate too", async () => {
    const config = await writeTempConfig(files({ suiteExtra: "    judge_policy: other_family\n" }));
    try {
      const result = await runInProcess(
        ["validate", "--config", config.entry],
        config.dir,
        cleanEnv(),
      );
      expect(result.code).toBe(2);
      expect(result.err).toContain(
        `explain × mistral-local: judge "judge-b" is of the model's own family (mistral), so it may favour its answers (self-preference), and suite "main" sets judge_policy: other_family`,
      );
    } finally {
      await config.cleanup();
    }
  });

  it("is an evaluator key too", async () => {
    const r = await run({ evaluatorExtra: "judge_policy: other_family\n" });
    try {
      expect(r.code).toBe(2);
      expect(r.err).toContain(`evaluator "quality" sets judge_policy: other_family`);
      expect(r.err).toContain("quality.yaml");
    } finally {
      await r.config.cleanup();
    }
  });
});

describe("the calibration gate", () => {
  // The human grades run against the jury's (grade 4 responses rated 1, grade 1 rated 4):
  // κ below zero.
  const disagreeing = [
    ["grade 4", 1],
    ["grade 4", 1],
    ["grade 3", 1],
    ["grade 2", 4],
    ["grade 1", 4],
    ["grade 1", 3],
  ] as const;
  const labels = disagreeing
    .map(
      ([response, grade], i) =>
        `{"id": "l${i}", "input": "explain", "response": "${response}", "reference": "ref", "ratings": {"ann": ${grade}}}`,
    )
    .join("\n");

  it("makes a gated run whose judge falls below min_agreement insufficient, with the reason", async () => {
    const r = await run({
      suiteExtra: "    gate: true\n",
      evaluatorExtra: "calibration:\n  labels: labels.jsonl\n  min_agreement: 0.6\n",
      extraFiles: { "evaluators/labels.jsonl": labels },
    });
    try {
      expect(r.code).toBe(1);
      const entry = r.manifest().summary.matrix[0];
      expect(entry.verdict).toBe("insufficient");
      expect(entry.calibration.status).toBe("below");
      expect(entry.calibration.minAgreement).toBe(0.6);
      expect(entry.calibration.quadraticKappa).toBeLessThan(0);
      expect(entry.calibration.reason).toMatch(
        /^jury\(judge-a,judge-b,judge-c\) agrees with the human labels in evaluators\/labels\.jsonl at quadratic κ -\d\.\d{3}, below min_agreement 0\.6; the verdict is insufficient$/,
      );
      expect(r.err).toContain(
        `evalgate: calibration: explain × mistral-local: ${entry.calibration.reason}\n`,
      );
    } finally {
      await r.config.cleanup();
    }
  });

  it("refuses a broken label file (exit 2, file and line) rather than run uncalibrated", async () => {
    const r = await run({
      suiteExtra: "    gate: true\n",
      evaluatorExtra: "calibration:\n  labels: labels.jsonl\n",
      extraFiles: {
        "evaluators/labels.jsonl": `{"id": "a", "input": "q", "response": "grade 4", "ratings": {"ann": 4}}\n{"id": "b", "input": "q", "response": "grade 1", "ratings": {"ann": 0}}`,
      },
    });
    try {
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        `labels.jsonl:2: rater "ann" gave 0; grades are whole numbers 1, 2, 3 or 4`,
      );
    } finally {
      await r.config.cleanup();
    }
  });

  it("marks a judge that graded none of the labels as failed", async () => {
    failing = [
      { judge: "judge-a", when: (response) => response.startsWith("label") },
      { judge: "judge-b", when: (response) => response.startsWith("label") },
    ];
    const r = await run({
      suiteExtra: "    gate: true\n",
      evaluatorExtra: "calibration:\n  labels: labels.jsonl\n",
      extraFiles: {
        "evaluators/labels.jsonl": `{"id": "a", "input": "q", "response": "label grade 4", "ratings": {"ann": 4}}`,
      },
    });
    try {
      const entry = r.manifest().summary.matrix[0];
      expect(entry.verdict).toBe("insufficient");
      expect(entry.calibration.status).toBe("failed");
      expect(entry.calibration.reason).toContain(
        'jury(judge-a,judge-b,judge-c) graded none of the 1 labelled responses in evaluators/labels.jsonl (first: judge "jury(judge-a,judge-b,judge-c)" call failed: only 1 of 3 jurors graded',
      );
    } finally {
      await r.config.cleanup();
      failing = [];
    }
  });

  it("lets a calibrated judge's verdict stand", async () => {
    const agreeing = GRADES.map(
      (g, i) =>
        `{"id": "l${i}", "input": "explain", "response": "grade ${g}", "ratings": {"ann": ${g}}}`,
    ).join("\n");
    const r = await run({
      suiteExtra: "    gate: true\n",
      evaluatorExtra: "calibration:\n  labels: labels.jsonl\n",
      extraFiles: { "evaluators/labels.jsonl": agreeing },
    });
    try {
      const entry = r.manifest().summary.matrix[0];
      expect(entry.calibration).toMatchObject({
        status: "passed",
        quadraticKappa: 1,
        minAgreement: 0.6,
      });
      // 4 of 6 pass against 0.8: red on its own merits, not insufficient.
      expect(entry.verdict).toBe("red");
    } finally {
      await r.config.cleanup();
    }
  });

  it("makes a gated run that was never calibrated insufficient when the suite requires it", async () => {
    const r = await run({ suiteExtra: "    gate: true\n    require_calibration: true\n" });
    try {
      expect(r.code).toBe(1);
      const entry = r.manifest().summary.matrix[0];
      expect(entry.verdict).toBe("insufficient");
      expect(entry.calibration).toEqual({
        status: "missing",
        quadraticKappa: null,
        minAgreement: null,
        labels: null,
        reason: `suite "main" sets require_calibration: true and evaluator "quality" has no calibration: labels; the verdict is insufficient`,
      });
    } finally {
      await r.config.cleanup();
    }
  });
});
