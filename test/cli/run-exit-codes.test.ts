/**
 * `evalgate run` exit codes as documented: 0 green/yellow or not gated, 1 a gate failed,
 * 2 usage or config error, 3 the run could not complete. No stack trace reaches the user in
 * any of these. The bundled demo's own runs are in bundled-demo.test.ts.
 */
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  closedPort,
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
    // The test's own suite, so editing the bundled demo's suites cannot break it.
    const entry = await writeRunConfig(temp.dir, {
      suites:
        "  gated:\n    features: [code_generations]\n    models: [mistral-7b-vllm]\n    gate: true\n",
    });
    const r = await run([
      "run",
      "--config",
      entry,
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
    const base = ["run", "--config", "evalgate.yaml", "--simulate", "--no-cache", "--quiet"];
    const suites =
      "  demo:\n    features: [code_generations]\n    models: [mistral-7b-vllm]\n  gated:\n    features: [code_generations]\n    models: [mistral-7b-vllm]\n    gate: true\n";

    it.each([
      ["an unknown flag", ["--bogus"], /Unknown option '--bogus'[\s\S]*usage: evalgate run/],
      ["an unknown suite", ["--suite", "nightly"], /suite "nightly"[\s\S]*(demo|gated)/],
      ["an unknown model", ["--models", "mistral-7b-vlm"], /unknown model "mistral-7b-vlm"/],
      ["a shard index above the total", ["--shard", "3/2"], /3\/2/],
      ["a malformed --limit", ["--limit", "0"], /--limit takes a whole number/],
    ])("%s", async (_what, extra, message) => {
      temp = await tempDir();
      await writeRunConfig(temp.dir, { suites });
      const r = await run([...base, ...extra, "--out", "out"]);
      expect(r.err).toMatch(message);
      expect(r.code).toBe(2);
      expect(existsSync(temp.path("out", "journal.jsonl"))).toBe(false);
    });

    it("an --out folder that cannot be created", async () => {
      temp = await tempDir();
      await writeRunConfig(temp.dir, { suites });
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
