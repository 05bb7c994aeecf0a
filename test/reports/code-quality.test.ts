import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/core/hashing.js";
import {
  codeQualityIssues,
  renderCodeQualityReport,
  repositoryPath,
} from "../../src/reports/index.js";
import { matrixOf, plan, record, scored } from "./report-records.js";

const files: Record<string, string> = {
  "cg\u0000m1": "config/prompts/cg/base/1.0.0.yml",
  "cg\u0000m2": "config/prompts/cg/mistral/1.0.0.yml",
  "chat\u0000m1": "config/prompts/chat/base.yml",
  "chat\u0000m2": "config/prompts/chat/base.yml",
};
const fileOf = (f: string, m: string) => files[`${f}\u0000${m}`];

function entries() {
  return matrixOf(
    [
      plan("cg", "m1"),
      plan("cg", "m2"),
      plan("chat", "m1", { planned: 2 }),
      plan("chat", "m2", { gated: false }),
    ],
    [
      ...scored("cg", "m1", [4, 4, 4, 4, 2]),
      ...scored("cg", "m2", [4, 1, 1, 4, 2]),
      ...["a", "b"].map((id) =>
        record({
          feature: "chat",
          model: "m1",
          exampleId: id,
          status: "error",
          errorClass: "auth",
          reason: "401",
        }),
      ),
      ...scored("chat", "m2", [4, 4, 4, 1, 1]),
    ],
  );
}

describe("gl-code-quality-report.json", () => {
  it("flags red and could-not-evaluate pairs at their prompt definition file, with stable fingerprints", () => {
    const issues = codeQualityIssues({ entries: entries(), fileOf });
    expect(issues[0]).toEqual({
      description:
        "evalgate: cg × m2 is red: pass rate 40.0% (95% interval 12–77%) against a threshold of 80.0%, judged by judge-a.",
      check_name: "evalgate/red",
      fingerprint: sha256Hex("evalgate\u0000evalgate/red\u0000cg\u0000m2").slice(0, 32),
      severity: "critical",
      location: { path: "config/prompts/cg/mistral/1.0.0.yml", lines: { begin: 1 } },
    });
    expect(
      issues.slice(1).map((i) => [i.check_name, i.severity, i.location.path, i.description]),
    ).toEqual([
      [
        "evalgate/could-not-evaluate",
        "major",
        "config/prompts/chat/base.yml",
        "evalgate: chat × m1 could not be evaluated: 2 of 2 calls failed (auth).",
      ],
      [
        "evalgate/red",
        "major",
        "config/prompts/chat/base.yml",
        "evalgate: chat × m2 is red: pass rate 60.0% (95% interval 23–88%) against a threshold of 80.0%, judged by judge-a.",
      ],
    ]);
    expect(issues[1]!.fingerprint).toBe(
      sha256Hex("evalgate\u0000evalgate/could-not-evaluate\u0000chat\u0000m1").slice(0, 32),
    );
    expect(JSON.parse(renderCodeQualityReport({ entries: entries(), fileOf }))).toEqual(issues);
  });

  it("flags a pair whose verdict got worse than the baseline's, and names the baseline", () => {
    const plans = [plan("cg", "m1", { threshold: 0.9 }), plan("cg", "m2")];
    const current = matrixOf(plans, [
      ...scored("cg", "m1", [4, 4, 4, 4, 2]),
      ...scored("cg", "m2", [4, 1, 1, 4, 2]),
    ]);
    const baseline = matrixOf(plans, [
      ...scored("cg", "m1", [4, 4, 4, 4, 4]),
      ...scored("cg", "m2", [4, 4, 4, 4, 4]),
    ]);
    const issues = codeQualityIssues({
      entries: current,
      fileOf,
      baseline: { runId: "base-7", entries: baseline },
    });
    expect(issues.map((i) => [i.check_name, i.severity, i.description])).toEqual([
      [
        "evalgate/regressed",
        "minor",
        "evalgate: cg × m1 regressed from green (100.0%) in the baseline run base-7 to yellow: pass rate 80.0% (95% interval 38–96%) against a threshold of 90.0%, judged by judge-a.",
      ],
      [
        "evalgate/red",
        "critical",
        "evalgate: cg × m2 is red: pass rate 40.0% (95% interval 12–77%) against a threshold of 80.0%, judged by judge-a. It was green (100.0%) in the baseline run base-7.",
      ],
    ]);
    // Without the baseline the yellow pair is no finding.
    expect(codeQualityIssues({ entries: current, fileOf }).map((i) => i.check_name)).toEqual([
      "evalgate/red",
    ]);
  });
});

describe("definition paths", () => {
  const made: string[] = [];
  afterAll(async () => {
    for (const dir of made) await rm(dir, { recursive: true, force: true });
  });

  it("are relative to the git repository holding the definitions, else to the working folder", async () => {
    const repo = await mkdtemp(join(tmpdir(), "evalgate-cq-"));
    made.push(repo);
    await mkdir(join(repo, ".git"));
    await mkdir(join(repo, "ai", "prompts", "cg"), { recursive: true });
    await writeFile(join(repo, "ai", "prompts", "cg", "base.yml"), "name: x\n");
    expect(repositoryPath(join(repo, "ai", "prompts", "cg", "base.yml"), "/elsewhere")).toBe(
      "ai/prompts/cg/base.yml",
    );
    const loose = await mkdtemp(join(tmpdir(), "evalgate-cq-loose-"));
    made.push(loose);
    expect(repositoryPath(join(loose, "p", "base.yml"), loose)).toBe("p/base.yml");
  });
});
