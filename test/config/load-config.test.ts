import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkConfig, loadConfig, resolveSuite } from "../../src/config/index.js";
import { UserError, UserErrors } from "../../src/core/errors.js";
import { change, type TempConfig, writeTempConfig } from "./temp-config.js";

let temp: TempConfig | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

async function problemsFor(changes: Record<string, string | null>) {
  temp = await writeTempConfig(changes);
  const { problems } = await checkConfig(temp.entry);
  return problems;
}

it("keeps checking the other files when one does not parse, but never calls that complete", async () => {
  temp = await writeTempConfig(change("features.yaml", "release_state: ga", "release_state: GA"));
  const check = await checkConfig(temp.entry);
  expect(check.config).toBeUndefined();
  expect(check.partial?.models.value.models).toHaveLength(3);
  expect(check.partial?.features.value.features).toEqual([]);
  expect([...check.unreadable]).toEqual(["features"]);
});

describe("loadConfig", () => {
  it("loads a valid tree with absolute paths and every referenced file", async () => {
    temp = await writeTempConfig();
    const config = await loadConfig(temp.entry);
    expect(config.entryFile).toBe(resolve(temp.entry));
    expect(config.definitionsDir).toBe(temp.path("prompts"));
    expect(config.evaluatorsDir).toBe(temp.path("evaluators"));
    expect(config.models.value.models.map((m) => m.name)).toEqual([
      "mistral-local",
      "mixtral-local",
      "judge-model",
    ]);
    expect(config.datasetFiles.get("explain")).toBe(temp.path("data/explain.jsonl"));
    expect(config.datasetFiles.has("undocumented")).toBe(false);
    expect([...config.evaluators.keys()]).toEqual(["quality"]);
    expect(config.features.value.features[0]!.threshold).toBe(0.8);
    expect(config.features.value.features[0]!.prompt_version).toBe("^1.0.0");
  });

  it("reports a typo'd key at its line and column", async () => {
    const problems = await problemsFor(
      change(
        "models.yaml",
        "    endpoint: http://localhost:8001/v1",
        "    endpiont: http://localhost:8001/v1",
      ),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position).toEqual({ file: temp!.path("models.yaml"), line: 10, column: 5 });
    expect(problems[0]!.message).toContain('unknown key "endpiont"');
  });

  it("lists the allowed values of an enum", async () => {
    const problems = await problemsFor(
      change("features.yaml", "release_state: beta", "release_state: alpha"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position?.line).toBe(11);
    expect(problems[0]!.message).toMatch(/release_state.*"ga"\|"beta"\|"experiment"/);
  });

  it("reports a missing referenced file at the line that names it", async () => {
    const problems = await problemsFor(
      change("evalgate.yaml", "features: features.yaml", "features: featurs.yaml"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position).toMatchObject({ file: temp!.entry, line: 2, column: 11 });
    expect(problems[0]!.message).toContain(join(temp!.dir, "featurs.yaml"));
    expect(problems[0]!.message).toContain("does not exist");
  });

  it("reports a missing dataset at the feature's dataset line", async () => {
    const problems = await problemsFor({ "data/explain.jsonl": null });
    expect(problems.map((p) => [p.position?.file, p.position?.line])).toEqual([
      [temp!.path("features.yaml"), 7],
    ]);
  });

  it("collects problems from every file, not just the first", async () => {
    const problems = await problemsFor({
      ...change("models.yaml", "role: judge", "role: referee"),
      ...change("features.yaml", "release_state: ga", "release_state: GA"),
      ...change("evaluators/quality.yaml", "description:", "descripton:"),
    });
    const files = problems.map((p) => p.position?.file);
    expect(files).toContain(temp!.path("models.yaml"));
    expect(files).toContain(temp!.path("features.yaml"));
    expect(files).toContain(temp!.path("evaluators/quality.yaml"));
    // Names defined in a file that did not parse are not reported as missing too.
    expect(problems.filter((p) => /not found|is not a model|is not in/.test(p.message))).toEqual(
      [],
    );
    // The typo'd key is two problems: "descripton" is unknown and "description" is missing.
    expect(problems).toHaveLength(4);
    await expect(loadConfig(temp!.entry)).rejects.toBeInstanceOf(UserErrors);
  });

  it("checks suite references at the suite's lines, suggesting the likely name", async () => {
    const problems = await problemsFor(
      change(
        "evalgate.yaml",
        "models: [mistral-local, mixtral-local]",
        "models: [mistral-locl, mixtral-local]\n    judge: nobody",
      ),
    );
    expect(problems.map((p) => p.position?.line)).toEqual([10, 11]);
    expect(problems[0]!.message).toContain('model "mistral-locl" is not a model');
    expect(problems[0]!.message).toContain('did you mean "mistral-local"');
    expect(problems[1]!.message).toContain('judge "nobody"');
  });

  it("refuses a suite selecting a feature that has no dataset", async () => {
    const problems = await problemsFor(
      change("evalgate.yaml", "features: [explain]", "features: [explain, undocumented]"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position?.line).toBe(9);
    expect(problems[0]!.message).toContain('feature "undocumented" has no dataset');
  });

  it("requires env-var names, not secrets, in api_key_env", async () => {
    const problems = await problemsFor(
      change("models.yaml", "api_key_env: VLLM_API_KEY", "api_key_env: sk-abc123"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.position?.line).toBe(6);
    expect(problems[0]!.message).toContain("NAME of an environment variable");
  });

  it("checks thresholds are between 0 and 1", async () => {
    const problems = await problemsFor(
      change("features.yaml", "evaluator: quality", "evaluator: quality\n    threshold: 80"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain("threshold");
    expect(problems[0]!.position?.line).toBe(9);
  });

  it("checks feature evaluators exist and evaluator names match their files", async () => {
    const problems = await problemsFor({
      ...change("features.yaml", "evaluator: quality", "evaluator: qualty"),
      ...change("evaluators/quality.yaml", "name: quality", "name: quality_v2"),
    });
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('evaluator name "quality_v2" does not match the file name'),
      expect.stringContaining('evaluator "qualty" not found'),
    ]);
  });

  it("reports a missing entry file without a stack", async () => {
    await expect(loadConfig("/nonexistent/evalgate.yaml")).rejects.toThrow(
      "/nonexistent/evalgate.yaml: file not found",
    );
  });

  it("rejects duplicate model names at the second definition", async () => {
    const problems = await problemsFor(
      change("models.yaml", "name: mixtral-local", "name: mistral-local"),
    );
    expect(problems.some((p) => p.message.includes('model "mistral-local" is defined twice'))).toBe(
      true,
    );
  });
});

describe("resolveSuite", () => {
  it("applies defaults and falls back to the top-level judge", async () => {
    temp = await writeTempConfig();
    const config = await loadConfig(temp.entry);
    expect(resolveSuite(config)).toMatchObject({
      name: "main",
      judge: "judge-model",
      repeats: 1,
      gate: false,
      allowIncompatible: false,
      viaGateway: false,
      limit: undefined,
    });
  });

  it("names the suites when asked for an unknown one", async () => {
    temp = await writeTempConfig();
    const config = await loadConfig(temp.entry);
    expect(() => resolveSuite(config, "mian")).toThrow(UserError);
    expect(() => resolveSuite(config, "mian")).toThrow(/did you mean "main"/);
  });
});
