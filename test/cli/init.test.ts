import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/cli/evalgate.js";
import { collectingIO } from "../support/cli-io.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "evalgate-init-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const FILES = [
  "datasets/explain_code.jsonl",
  "evalgate.yaml",
  "evaluators/explanation_quality.yaml",
  "features.yaml",
  "gitlab-ci.yml",
  "models.yaml",
  "prompts/chat/explain_code/base/1.0.0.yml",
  "simulator-profile.yaml",
];

describe("evalgate init", () => {
  it("scaffolds evalgate/ and a .gitlab-ci.yml that includes its job, and the result validates", async () => {
    const io = collectingIO(dir);
    expect(await main(["init"], io.io)).toBe(0);
    expect(io.out()).toContain(
      `wrote 8 files to evalgate/:\n${FILES.map((f) => `  ${f}`).join("\n")}\n`,
    );
    expect(await readFile(join(dir, ".gitlab-ci.yml"), "utf8")).toBe(
      "# Written by `evalgate init`: runs the evalgate job defined in evalgate/gitlab-ci.yml.\ninclude:\n  - local: evalgate/gitlab-ci.yml\n",
    );
    const job = parse(await readFile(join(dir, "evalgate", "gitlab-ci.yml"), "utf8")).evalgate;
    expect(job.script).toEqual(["npm ci", "npx evalgate validate", "npx evalgate run"]);
    expect(job.artifacts).toEqual({ when: "always", expire_in: "30 days", paths: ["reports/"] });
    const dataset = (await readFile(join(dir, "evalgate/datasets/explain_code.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(dataset).toHaveLength(5);
    for (const example of dataset) {
      expect(Object.keys(example).sort()).toEqual(["id", "inputs", "outputs"]);
      expect(typeof example.outputs.output).toBe("string");
    }
    const check = collectingIO(dir);
    expect(await main(["validate"], check.io)).toBe(0);
    expect(check.out()).toContain(
      "valid: 1 feature × model pair(s) in 1 suite(s), 5 example render(s) checked",
    );
  });

  it("refuses to overwrite with exit 2 and changes nothing; --force overwrites", async () => {
    expect(await main(["init", dir], collectingIO("/").io)).toBe(0);
    const models = join(dir, "evalgate", "models.yaml");
    await writeFile(models, "# mine\n");
    const again = collectingIO(dir);
    expect(await main(["init"], again.io)).toBe(2);
    expect(again.err()).toContain(
      `evalgate init: ${join(dir, "evalgate")} already holds 8 of the files init writes (datasets/explain_code.jsonl, evalgate.yaml, evaluators/explanation_quality.yaml, …); nothing was changed. Pass --force to overwrite them`,
    );
    expect(await readFile(models, "utf8")).toBe("# mine\n");
    expect(await main(["init", "--force"], collectingIO(dir).io)).toBe(0);
    expect(await readFile(models, "utf8")).toContain("name: my-vllm-model");
  });

  it("leaves an existing .gitlab-ci.yml alone and prints the include to add", async () => {
    await writeFile(join(dir, ".gitlab-ci.yml"), "stages: [test]\n");
    const io = collectingIO(dir);
    expect(await main(["init"], io.io)).toBe(0);
    expect(await readFile(join(dir, ".gitlab-ci.yml"), "utf8")).toBe("stages: [test]\n");
    expect(io.out()).toContain(
      ".gitlab-ci.yml exists and was left alone; add the evalgate job to it with:\n  include:\n    - local: evalgate/gitlab-ci.yml\n",
    );
  });

  it("takes one folder at most", async () => {
    const io = collectingIO(dir);
    expect(await main(["init", "a", "b"], io.io)).toBe(2);
    expect(io.err()).toContain("init takes one folder, got 2");
  });
});
