/**
 * `evalgate run` exit codes as documented: 0 green/yellow or not gated, 1 a gate failed,
 * 2 usage or config error, 3 the run could not complete. Plus the `npm start` smoke run and
 * run.json's documented fields. No stack trace reaches the user in any of these.
 */
import { existsSync, readlinkSync } from "node:fs";
import { readdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  BUNDLED_CONFIG,
  CONFIG_DIR,
  closedPort,
  ROOT,
  readManifest,
  readRecords,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  vllmModel,
  writeRunConfig,
  writeText,
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

describe("evalgate run exit codes", () => {
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

  it("exits 1 when a gated feature goes red for a model the profile makes weak", async () => {
    temp = await tempDir();
    const profile = await writeText(
      temp.path("weak.yaml"),
      `defaults: { latency_ms: 1, jitter_ms: 1 }
models:
  mistral-7b-vllm: { quality: 0.05 }
  claude-3-5-sonnet-judge: { role: judge, quality: 0.95 }
`,
    );
    const r = await run([
      "run",
      "--config",
      BUNDLED_CONFIG,
      "--suite",
      "gated",
      "--features",
      "code_generations",
      "--models",
      "mistral-7b-vllm",
      "--limit",
      "6",
      "--simulate-profile",
      profile,
      "--no-cache",
      "--quiet",
      "--out",
      "gated",
    ]);
    expect(r.err).toContain("gate failed: code_generations × mistral-7b-vllm (red)");
    expect(r.code).toBe(1);
  });

  describe("exits 2 for usage and config errors, naming the problem", () => {
    const base = ["run", "--config", BUNDLED_CONFIG, "--simulate", "--no-cache", "--quiet"];

    it.each([
      ["an unknown flag", ["--bogus"], /Unknown option '--bogus'[\s\S]*usage: evalgate run/],
      ["an unknown suite", ["--suite", "nightly"], /suite "nightly"[\s\S]*(demo|gated)/],
      ["an unknown model", ["--models", "mistral-7b-vlm"], /unknown model "mistral-7b-vlm"/],
      ["a shard index above the total", ["--shard", "3/2"], /3\/2/],
      ["a malformed --limit", ["--limit", "0"], /--limit takes a whole number/],
    ])("%s", async (_what, extra, message) => {
      temp = await tempDir();
      const r = await run([...base, ...extra, "--out", "out"]);
      expect(r.err).toMatch(message);
      expect(r.code).toBe(2);
      expect(existsSync(temp.path("out", "journal.jsonl"))).toBe(false);
    });

    it("an --out folder that cannot be created", async () => {
      temp = await tempDir();
      await writeText(temp.path("a-file"), "not a folder\n");
      const r = await run([...base, "--limit", "1", "--out", "a-file/run"]);
      expect(r.err).toMatch(
        /cannot create the output folder .*a-file\/run: .*choose another --out/,
      );
      expect(r.code).toBe(2);
    });

    it("malformed config YAML, with file:line", async () => {
      temp = await tempDir();
      const entry = await writeRunConfig(temp.dir, {
        suites: "  s:\n    features: [code_generations\n    models: [mistral-7b-vllm]\n",
      });
      const r = await run(["run", "--config", entry, "--simulate", "--no-cache", "--out", "o"]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`${entry.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+`));
    });
  });

  it("exits 3 when an endpoint is down: every cell has a connection error, the message says what to do", async () => {
    temp = await tempDir();
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1`;
    const entry = await writeRunConfig(temp.dir, {
      models: `models:
${vllmModel("down-vllm", "mistral", endpoint, ["params: { timeout: 1 }", "limits: { concurrency: 4 }"])}
${vllmModel("down-judge", "gpt", endpoint, ["role: judge", "params: { timeout: 1 }"])}
`,
      judge: "down-judge",
      suites: "  down:\n    features: [code_generations]\n    models: [down-vllm]\n    limit: 2\n",
    });
    // --break-after 0: the breaker (run-fail-fast.test.ts) would end these cells unsent.
    const r = await run([
      "run",
      "--config",
      entry,
      "--no-cache",
      "--quiet",
      "--break-after",
      "0",
      "--out",
      "down",
    ]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(
      /could not be evaluated because calls to down-vllm failed \(connection\)/,
    );
    expect(r.err).toMatch(/fix the endpoint, then run again with: evalgate retry-errors down\n/);
    expect(r.out).toMatch(/^code_generations\s+down-vllm\s+insufficient\s/m);
    const records = readRecords(temp.path("down"));
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record.status).toBe("error");
      expect(record.errorClass).toBe("connection");
      expect(record.attempts).toBe(5);
    }
    const manifest = await readManifest(temp.path("down"));
    expect(manifest.summary.totals).toMatchObject({ planned: 2, errors: 2, missing: 0 });
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
