/**
 * Shards never gate: on the simulator, a gated suite whose merged verdict is red gives every
 * `run --shard` exit 0 (its summary.md says it is a shard), and `merge` gives the exit code
 * and verdicts of the unsharded run. A shard whose own calls fail exits 3, and so does their merge. Every run folder
 * gets junit.xml, metrics.txt and gl-code-quality-report.json, and `report --baseline-dir`
 * shows what changed.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUMMARY_MARKER } from "../../src/reports/index.js";
import { parseXml } from "../support/xml-well-formed.js";
import {
  cleanEnv,
  readManifest,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  writeRunConfig,
  writeText,
} from "./run-test-support.js";

const SUITE = `  gated:
    features: [code_generations]
    models: [mistral-7b-vllm, codestral-22b-vllm]
    limit: 8
    gate: true
`;
const PROFILE = `defaults: { latency_ms: 1, jitter_ms: 1 }
models:
  mistral-7b-vllm: { quality: 0.2 }
  codestral-22b-vllm: { quality: 0.95 }
`;

let temp: TempDir;
let base: string[];
let entry: string;
const verdicts = async (dir: string) =>
  (await readManifest(temp.path(dir))).summary.matrix.map(
    (e: { model: string; verdict: string; passRate: number }) =>
      `${e.model}:${e.verdict}:${e.passRate}`,
  );

async function run(argv: string[], env = cleanEnv()) {
  const r = await runInProcess(argv, temp.dir, env);
  expect(r.err).not.toMatch(STACK_FRAME);
  return r;
}

beforeAll(async () => {
  temp = await tempDir();
  entry = await writeRunConfig(temp.dir, { suites: SUITE });
  const profile = await writeText(temp.path("profile.yaml"), PROFILE);
  base = ["run", "--config", entry, "--simulate-profile", profile, "--no-cache", "--quiet"];
}, 60_000);
afterAll(async () => {
  await temp?.cleanup();
});

describe("shards never gate; merge does", () => {
  it("every shard exits 0 on a red gated suite, and merge exits 1 with the unsharded verdicts", async () => {
    const full = await run([...base, "--out", "full"]);
    expect(full.code).toBe(1);
    expect(full.err).toMatch(/gate failed: code_generations × mistral-7b-vllm \(red\)/);
    for (const i of [1, 2, 3, 4]) {
      const shard = await run([...base, "--shard", `${i}/4`, "--out", `s${i}`]);
      expect(shard.code, shard.err).toBe(0);
      const summary = readFileSync(temp.path(`s${i}`, "summary.md"), "utf8");
      expect(summary).toContain(`🧩 **Shard ${i}/4** of a sharded run`);
      expect(summary).toContain("`evalgate merge` over all shard folders gives the verdict");
      expect(summary).not.toContain("Gate failed");
    }
    const merged = await run(["merge", "s1", "s2", "s3", "s4", "--out", "m"]);
    expect(merged.code).toBe(1);
    expect(merged.err).toBe(
      "evalgate merge: gate failed: code_generations × mistral-7b-vllm (red)\n",
    );
    expect(await verdicts("m")).toEqual(await verdicts("full"));
    const summary = readFileSync(temp.path("m", "summary.md"), "utf8");
    expect(summary.startsWith(`${SUMMARY_MARKER}\n`)).toBe(true);
    expect(summary).toContain(
      "❌ **Gate failed**: 1 gated feature × model pair(s) below threshold (code\\_generations × mistral-7b-vllm).",
    );
  });

  it("a shard whose own calls fail exits 3", async () => {
    const locked = await writeText(
      temp.path("locked.yaml"),
      `${PROFILE}  mistral-7b-vllm: { quality: 0.2, api_key: the-right-key }\n`.replace(
        "  mistral-7b-vllm: { quality: 0.2 }\n",
        "",
      ),
    );
    const argv = ["run", "--config", entry, "--simulate-profile", locked, "--no-cache", "--quiet"];
    const r = await run(
      [...argv, "--shard", "1/2", "--out", "locked1"],
      cleanEnv({ VLLM_API_KEY: "a-wrong-key" }),
    );
    expect(r.code).toBe(3);
    expect(r.err).toMatch(
      /could not be evaluated because calls to mistral-7b-vllm failed \(auth\)/,
    );
    const summary = readFileSync(temp.path("locked1", "summary.md"), "utf8");
    expect(summary).toContain(
      "❌ **Could not evaluate** 1 feature × model pair(s): their calls failed (auth).",
    );
    expect(summary).toContain(
      "\nThis folder is shard 1/2; `evalgate merge` over all shard folders gives the verdict.\n",
    );
    const second = await run(
      [...argv, "--shard", "2/2", "--out", "locked2"],
      cleanEnv({ VLLM_API_KEY: "a-wrong-key" }),
    );
    expect(second.code).toBe(3);
    // The merge exits as the unsharded run would: 3, not "gate failed".
    const merged = await run(["merge", "locked1", "locked2", "--out", "locked-m"]);
    expect(merged.code).toBe(3);
    expect(merged.err).toBe(
      "evalgate merge: 1 feature × model pair(s) could not be evaluated because their calls failed; see locked-m/journal.jsonl\n",
    );
  });

  it("writes junit.xml, metrics.txt and the Code Quality file; report --baseline-dir compares", async () => {
    const root = parseXml(readFileSync(temp.path("m", "junit.xml"), "utf8"));
    expect(root.children.map((s) => [s.attributes.name, s.attributes.tests])).toEqual([
      ["code_generations/mistral-7b-vllm", "8"],
      ["code_generations/codestral-22b-vllm", "8"],
    ]);
    const metrics = readFileSync(temp.path("m", "metrics.txt"), "utf8");
    expect(metrics).toMatch(
      /^evalgate_pass_rate\{feature="code_generations",model="mistral-7b-vllm"\} \d\.\d{4}$/m,
    );
    expect(metrics.endsWith("# EOF\n")).toBe(true);
    const issues = JSON.parse(readFileSync(temp.path("m", "gl-code-quality-report.json"), "utf8"));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      check_name: "evalgate/red",
      severity: "critical",
      // This checkout is the git repository holding the bundled definitions.
      location: { path: "config/prompts/code_suggestions/generations/mistral/1.0.0.yml" },
    });

    const missing = await run(["report", "m", "--baseline-dir", "nowhere"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(
      /^evalgate report: --baseline-dir: \S+nowhere\/run\.json: no run\.json here/,
    );
    const report = await run(["report", "m", "--baseline-dir", "full"]);
    expect(report.code).toBe(1);
    const summary = readFileSync(temp.path("m", "summary.md"), "utf8");
    const runId = (await readManifest(temp.path("full"))).runId;
    expect(summary).toContain(`Baseline run \`${runId}\`: 0 verdict(s) worse, 0 better.`);
    expect(summary).toMatch(
      /\| code\\_generations \| codestral-22b-vllm \| (\d+\.\d%) \| \1 \| \+0\.0 pts \| 🟢 green → 🟢 green \|/,
    );
  });
});
