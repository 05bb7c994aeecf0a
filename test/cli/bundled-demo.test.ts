/**
 * The bundled demo (config/, datasets/, evaluators/) as `npm start` runs it: exact counts of
 * its six features × seven models, so these tests change whenever the demo does. Every other
 * test builds its own configuration and is unaffected by edits to config/.
 */
import { existsSync, readlinkSync } from "node:fs";
import { readdir, readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { judgedCriteria, loadEvaluators } from "../../src/judges/index.js";
import {
  BUNDLED_CONFIG,
  CONFIG_DIR,
  ROOT,
  readManifest,
  readRecords,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
} from "./run-test-support.js";

let temp: TempDir;
afterEach(async () => {
  await temp?.cleanup();
});

async function run(argv: string[]) {
  const result = await runInProcess(argv, temp.dir);
  expect(result.err).not.toMatch(STACK_FRAME);
  expect(result.out).not.toMatch(STACK_FRAME);
  expect(result.err).not.toContain("internal error");
  return result;
}

describe("the bundled demo suite", () => {
  it("exits 0 for the demo suite (not gated)", async () => {
    temp = await tempDir();
    const r = await run([
      "run",
      "--config",
      BUNDLED_CONFIG,
      "--simulate",
      "--limit",
      "3",
      "--no-cache",
      "--quiet",
      "--out",
      "demo",
    ]);
    expect(r.code).toBe(0);
    // 3 examples are fewer than a suite's default min_scored (5): no verdict, and not gated.
    expect(r.out).toMatch(/^code_generations\s+mistral-7b-vllm\s+insufficient\s/m);
    expect(readRecords(temp.path("demo"))).toHaveLength(6 * 7 * 3);
  });
});

describe("npm start (run --simulate on the default suite)", () => {
  it("writes run.json with the documented fields and summary.md", async () => {
    temp = await tempDir();
    const r = await run([
      "run",
      "--config",
      BUNDLED_CONFIG,
      "--simulate",
      "--limit",
      "2",
      "--no-cache",
      "--out",
      "tmp",
    ]);
    expect(r.code).toBe(0);
    const out = temp.path("tmp");
    const m = await readManifest(out);
    expect(m.schemaVersion).toBe(1);
    expect(m.runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]+$/);
    for (const field of ["startedAt", "finishedAt"]) {
      expect(new Date(m[field]).toISOString()).toBe(m[field]);
    }
    expect(m.config.hash).toMatch(/^[0-9a-f]{16,}$/);
    expect(m.config.resolved).toBeTypeOf("object");
    expect(JSON.stringify(m.config.resolved)).not.toContain("simulated-api-key");
    expect(m.complete).toBe(true);
    expect(m.summary.matrix).toHaveLength(6 * 7);
    for (const e of m.summary.matrix) {
      expect(e).toMatchObject({
        feature: expect.any(String),
        model: expect.any(String),
        n: 2,
        scored: expect.any(Number),
        unscored: expect.any(Number),
        errors: expect.any(Number),
        threshold: expect.any(Number),
      });
      expect(["green", "yellow", "red", "insufficient"]).toContain(e.verdict);
      expect(e.passRate === null || (e.passRate >= 0 && e.passRate <= 1)).toBe(true);
    }
    expect(existsSync(join(out, "summary.md"))).toBe(true);
  });

  it("without --out writes reports/<timestamp>-<suite> under the working directory and points reports/latest at it", async () => {
    temp = await tempDir();
    // The repo layout, so the default config/evalgate.yaml resolves as it does for npm start.
    for (const name of ["config", "datasets", "evaluators"]) {
      await symlink(name === "config" ? CONFIG_DIR : join(ROOT, name), temp.path(name));
    }
    const argv = ["run", "--simulate", "--features", "code_generations", "--models"];
    const first = await run([...argv, "mistral-7b-vllm", "--limit", "1", "--no-cache"]);
    expect(first.code).toBe(0);
    const [folder] = await readdir(temp.path("reports"));
    expect(folder).toMatch(/^\d{8}-\d{6}-demo$/);
    expect(readlinkSync(temp.path("reports", "latest"))).toBe(folder);
    expect(first.out).toContain(join("reports", folder!, "summary.md"));

    const report = await run(["report"]);
    expect(report.code).toBe(0);
    expect(report.out).toMatch(/^code_generations\s+mistral-7b-vllm/m);
  });
});

describe("the bundled evaluators", () => {
  it("grade every bundled feature on criteria with a description of each grade 1–4", async () => {
    const features = parse(await readFile(join(CONFIG_DIR, "features.yaml"), "utf8")) as {
      features: { id: string; evaluator?: string }[];
    };
    const evaluators = await loadEvaluators(join(ROOT, "evaluators"));
    const criteriaOf: Record<string, string[]> = {};
    for (const settings of features.features) {
      const feature = settings.id;
      if (settings.evaluator === undefined) continue;
      const evaluator = evaluators.get(settings.evaluator);
      expect(evaluator, `${feature}: evaluator ${settings.evaluator}`).toBeDefined();
      expect(evaluator!.scale).toEqual([1, 2, 3, 4]);
      const judged = judgedCriteria(evaluator!);
      expect(judged.length, feature).toBeGreaterThan(0);
      for (const c of judged) {
        for (const grade of [1, 2, 3, 4] as const) {
          expect(
            c.levels?.[grade]?.trim().length ?? 0,
            `${feature} ${c.name} ${grade}`,
          ).toBeGreaterThan(10);
        }
      }
      criteriaOf[feature] = judged.map((c) => c.name);
    }
    // Chat features: correctness, comprehensiveness, readability; code features: correctness
    // and code quality (issue 9).
    expect(criteriaOf).toMatchObject({
      code_generations: ["correctness", "code_quality"],
      duo_chat_write_tests: ["correctness", "code_quality"],
      duo_chat_explain_code: ["correctness", "comprehensiveness", "readability"],
      duo_chat_documentation: ["correctness", "comprehensiveness", "readability"],
      duo_chat_explain_vulnerability: ["correctness", "comprehensiveness", "readability"],
      generate_commit_message: ["correctness", "comprehensiveness", "readability"],
    });
  });
});
