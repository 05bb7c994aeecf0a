/**
 * Fail fast: an endpoint that refuses connections or answers 401 to everything trips its
 * circuit breaker after a few failures, its remaining cells end at once as `endpoint_down`
 * naming it, the run exits 3 in seconds, and `--resume` retries exactly those cells.
 */
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  closedPort,
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

const SUITE = `  main:
    features: [code_generations]
    models: [alpha-vllm, beta-vllm]
    limit: 15
`;

function models(endpoint: string): string {
  const extra = ["limits: { concurrency: 2 }"];
  return `models:
${vllmModel("alpha-vllm", "mistral", endpoint, extra)}
${vllmModel("beta-vllm", "codestral", endpoint, extra)}
${vllmModel("judge-vllm", "gpt", endpoint, ["role: judge", ...extra])}
`;
}

describe("circuit breaker per endpoint", () => {
  it("every endpoint refusing connections: exit 3 within seconds, every cell endpoint_down", async () => {
    temp = await tempDir();
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1`;
    const entry = await writeRunConfig(temp.dir, {
      models: models(endpoint),
      judge: "judge-vllm",
      suites: SUITE,
    });
    const started = Date.now();
    const r = await runInProcess(
      ["run", "--config", entry, "--no-cache", "--quiet", "--out", "down"],
      temp.dir,
    );
    const seconds = (Date.now() - started) / 1000;
    expect(r.code).toBe(3);
    expect(seconds).toBeLessThan(8);
    expect(r.err).not.toMatch(STACK_FRAME);
    expect(r.err).toContain(
      `evalgate run: endpoint(s) down: openai_compatible|${endpoint}|test/alpha-vllm, openai_compatible|${endpoint}|test/beta-vllm; after 5 connection or auth failures in a row their remaining cells ended as endpoint_down without being sent. Fix the endpoint, then retry those cells with: evalgate run --resume down\n`,
    );
    const records = readRecords(temp.path("down"));
    expect(records).toHaveLength(30);
    expect(
      records.every((rec) => rec.status === "error" && rec.errorClass === "endpoint_down"),
    ).toBe(true);
    expect(records[0]!.reason).toMatch(
      /^endpoint_down: openai_compatible\|.+ is down \(5 connection failures in a row, the last: /,
    );
  });

  it("an endpoint answering 401 to everything gets a few requests, not one per cell", async () => {
    temp = await tempDir();
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ error: { message: "invalid api key", type: "invalid_request_error" } }),
      );
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      const port = (server.address() as { port: number }).port;
      const endpoint = `http://127.0.0.1:${port}/v1`;
      const entry = await writeRunConfig(temp.dir, {
        models: models(endpoint),
        judge: "judge-vllm",
        suites: SUITE,
      });
      const r = await runInProcess(
        ["run", "--config", entry, "--no-cache", "--quiet", "--out", "auth"],
        temp.dir,
      );
      expect(r.code).toBe(3);
      expect(r.err).toContain("endpoint(s) down: ");
      // Two endpoints (served names), each: 5 failures to open, at most 1 more already in flight.
      expect(requests).toBeGreaterThanOrEqual(10);
      expect(requests).toBeLessThanOrEqual(12);
      const records = readRecords(temp.path("auth"));
      expect(records).toHaveLength(30);
      expect(records.filter((rec) => rec.errorClass === "auth").length).toBe(requests);
      expect(records.filter((rec) => rec.errorClass === "endpoint_down").length).toBe(
        30 - requests,
      );
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });

  it("--resume retries the endpoint_down cells once the endpoint is back, one record per cell", async () => {
    temp = await tempDir();
    const entry = await writeRunConfig(temp.dir, {
      models: models("http://vllm.invalid:8000/v1"),
      judge: "judge-vllm",
      suites: SUITE,
    });
    const profile = temp.path("profile.yaml");
    await writeText(
      profile,
      `defaults: { latency_ms: 1, jitter_ms: 1, faults: { reset: 1 } }
models:
  judge-vllm: { role: judge, quality: 0.95 }
`,
    );
    const first = await runInProcess(
      [
        "run",
        "--config",
        entry,
        "--simulate-profile",
        profile,
        "--no-cache",
        "--quiet",
        "--out",
        "run",
      ],
      temp.dir,
    );
    expect(first.code).toBe(3);
    expect(readRecords(temp.path("run")).every((rec) => rec.errorClass === "endpoint_down")).toBe(
      true,
    );

    // The endpoint recovers.
    await writeText(
      profile,
      "defaults: { latency_ms: 1, jitter_ms: 1 }\nmodels:\n  judge-vllm: { role: judge, quality: 0.95 }\n",
    );
    const again = await runInProcess(["run", "--resume", "run", "--no-cache", "--quiet"], temp.dir);
    expect(again.err).toBe("");
    expect(again.code).toBe(0);
    const records = readRecords(temp.path("run"));
    expect(records).toHaveLength(30);
    expect(new Set(records.map((rec) => rec.cellId)).size).toBe(30);
    expect(records.every((rec) => rec.status === "scored")).toBe(true);
  });
});
