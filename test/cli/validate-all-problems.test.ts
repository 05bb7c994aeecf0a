import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/evalgate.js";
import { checkExamples } from "../../src/datasets/index.js";
import { type TempConfig, writeTempConfig } from "../config/temp-config.js";
import { collectingIO } from "../support/cli-io.js";
import { readmeBlocks } from "../support/readme-blocks.js";

const GOOD = '{"inputs": {"code": "print(1)"}, "outputs": {"output": "prints 1"}}';

let config: TempConfig | undefined;
afterEach(async () => {
  await config?.cleanup();
  config = undefined;
});

async function validateWith(changes: Record<string, string>, argv: string[] = []) {
  config = await writeTempConfig(changes);
  const io = collectingIO(config.dir);
  const code = await main(["validate", ...argv], io.io);
  return { code, out: io.out(), err: io.err(), dir: config.dir };
}

describe("validate reports every problem in one run", () => {
  it("lists every bad dataset line and every example that does not render, with one summary line", async () => {
    const dataset = [
      GOOD,
      '{"inputs": {"code": "x"}, "output": "typo"}',
      "not json",
      GOOD.replace("print(1)", "print(2)"),
      "[1, 2]",
      '{"inputs": {"other": "no code"}, "outputs": {"output": "x"}}',
      GOOD,
    ].join("\n");
    const result = await validateWith({ "data/explain.jsonl": `${dataset}\n` });
    expect(result.code).toBe(2);
    const file = `${result.dir}/data/explain.jsonl`;
    expect(result.err).toContain(
      [
        "evalgate validate: 5 problem(s) found:",
        `  - ${file}:2: unknown key "output"; allowed keys are "id", "inputs", "outputs" (and "metadata", ignored)`,
        `  - ${file}:3: invalid JSON (unexpected token 'o'); each line must be one complete JSON object`,
        `  - ${file}:5: expected an object like {"inputs": {...}, "outputs": {"output": "..."}}, found an array`,
      ].join("\n"),
    );
    expect(result.err).toContain(`  - ${file}:6: example "`);
    expect(result.err).toContain(`  - ${file}:7: same inputs as the example at line 1`);
    // Two models share the definition: its render problem is found once.
    const summary =
      "invalid: 5 problem(s) in 1 file(s) (4 dataset, 1 render); 2 feature × model pair(s) in 1 suite(s), 6 example render(s) checked\n";
    expect(result.out).toContain(summary);
    // The README shows this very line.
    expect((await readmeBlocks("### `evalgate validate`"))[2]).toBe(summary);
    expect(result.out).toMatch(/explain\s+mistral-local\s+\S+\s+1\.0\.0\s+3\s+5 problem\(s\)/);
  });

  it("--json prints only the list [{file, line, column, code, message}] and exits 2", async () => {
    const result = await validateWith(
      {
        "data/explain.jsonl": `${GOOD}\n{"inputs": []}\n`,
        "evalgate.yaml":
          "models: models.yaml\nfeatures: features.yaml\ndefinitions: prompts\nevaluators: evaluators\njudge: judge-model\ndefault_suite: main\nsuites:\n  main:\n    features: [explain]\n    models: [mistral-local, nope-model]\n",
      },
      ["--json"],
    );
    expect(result.code).toBe(2);
    expect(result.err).toBe("");
    const list = JSON.parse(result.out) as Record<string, unknown>[];
    expect(list.map((p) => [p.code, p.line, p.column])).toEqual([
      ["dataset", 2, null],
      ["config", 10, 29],
    ]);
    expect(list[0]).toEqual({
      file: `${result.dir}/data/explain.jsonl`,
      line: 2,
      column: null,
      code: "dataset",
      message: '"inputs" must be an object of template variables, found an array',
    });
    expect(list[1]!.file).toBe(`${result.dir}/evalgate.yaml`);
    expect(list[1]!.message).toContain('"nope-model"');
  });

  it("prints the README's --json example for a scaffolded project with a broken line 3", async () => {
    const project = await mkdtemp(join(tmpdir(), "evalgate-readme-json-"));
    try {
      expect(await main(["init"], collectingIO(project).io)).toBe(0);
      const file = join(project, "evalgate", "datasets", "explain_code.jsonl");
      const lines = (await readFile(file, "utf8")).split("\n");
      lines[2] = "not json";
      await writeFile(file, lines.join("\n"));
      const io = collectingIO(project);
      expect(await main(["validate", "--json"], io.io)).toBe(2);
      const example = (await readmeBlocks("### `evalgate validate`"))[3]!;
      expect(io.out().replaceAll(project, "/repo")).toBe(example);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it("--json on a valid config prints [] and exits 0", async () => {
    const result = await validateWith({}, ["--json"]);
    expect(result).toMatchObject({ code: 0, out: "[]\n", err: "" });
  });

  it("an empty dataset is a validation error", async () => {
    const result = await validateWith({ "data/explain.jsonl": "\n" });
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      `${result.dir}/data/explain.jsonl: the dataset has no examples; add at least one line like {"inputs": {...}, "outputs": {"output": "..."}}`,
    );
  });
});

describe("checkExamples", () => {
  it("stops listing after maxProblems and says how many more there are", async () => {
    const lines = [GOOD, ...Array.from({ length: 130 }, (_, i) => `{"bad": ${i}}`)];
    config = await writeTempConfig({ "data/many.jsonl": `${lines.join("\n")}\n` });
    const { examples, problems } = await checkExamples(config.path("data/many.jsonl"));
    expect(examples).toHaveLength(1);
    expect(problems).toHaveLength(101);
    expect(problems[99]!.message).toContain("data/many.jsonl:101: unknown key");
    expect(problems[100]!.message).toBe(
      `${config.path("data/many.jsonl")}: 30 more bad record(s) in this file not listed (stopped listing after 100); fix the ones above and run validate again`,
    );
  });

  it("collects bad rows of CSV and bad items of YAML too", async () => {
    config = await writeTempConfig({
      "data/rows.csv": "id,code,reference\na,x,1\nb,too,many,values\nc,z,3\nd\n",
      "data/items.yaml":
        "- inputs: {code: x}\n- inputs: 3\n- outputs: {output: y}\n- inputs: {code: z}\n",
    });
    const csv = await checkExamples(config.path("data/rows.csv"));
    expect(csv.examples.map((e) => e.id)).toEqual(["a", "c"]);
    expect(csv.problems.map((p) => p.position?.line)).toEqual([3, 5]);
    const yaml = await checkExamples(config.path("data/items.yaml"));
    expect(yaml.examples).toHaveLength(2);
    expect(yaml.problems.map((p) => [p.position?.line, p.position?.column])).toEqual([
      [2, 11],
      [3, 3],
    ]);
  });
});
