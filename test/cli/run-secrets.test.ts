/**
 * API keys are never written anywhere. The simulator requires each key, so the keys really
 * travel (directly, and inside the gateway's model_metadata); one key is wrong so calls fail
 * with auth errors. Then every file the run wrote (run folder and cache) and everything it
 * printed is searched for every key.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanEnv,
  readRecords,
  runInProcess,
  type TempDir,
  tempDir,
  vllmModel,
  writeRunConfig,
  writeText,
} from "./run-test-support.js";

const KEYS = {
  EVALGATE_TEST_KEY_A: "sk-evalgate-alpha-Qx7Zr2Lm9Vt4",
  EVALGATE_TEST_KEY_B: "sk-evalgate-bravo-Hn3Wp8Ks1Dy6", // the simulator expects another
  EVALGATE_TEST_JUDGE_KEY: "sk-evalgate-judge-Tb5Gc0Ue7Fa2",
  EVALGATE_TEST_GW_TOKEN: "glpat-evalgate-gw-Jm4Rv9Xo2Nq8",
};

const ENDPOINT = "http://vllm.invalid:8000/v1";
const MODELS = `models:
${vllmModel("alpha-vllm", "mistral", ENDPOINT, ["api_key_env: EVALGATE_TEST_KEY_A"])}
${vllmModel("bravo-vllm", "codestral", ENDPOINT, ["api_key_env: EVALGATE_TEST_KEY_B"])}
${vllmModel("judge-vllm", "gpt", ENDPOINT, ["role: judge", "api_key_env: EVALGATE_TEST_JUDGE_KEY"])}
`;
const SUITES = `  direct:
    features: [code_generations]
    models: [alpha-vllm, bravo-vllm]
    limit: 3
  gateway:
    features: [code_generations]
    models: [alpha-vllm, bravo-vllm]
    limit: 3
    via_gateway: true
`;
const PROFILE = `gateway:
  token: ${KEYS.EVALGATE_TEST_GW_TOKEN}
defaults: { latency_ms: 1, jitter_ms: 1 }
models:
  alpha-vllm: { api_key: ${KEYS.EVALGATE_TEST_KEY_A} }
  bravo-vllm: { api_key: sk-evalgate-bravo-the-right-one }
  judge-vllm: { role: judge, api_key: ${KEYS.EVALGATE_TEST_JUDGE_KEY} }
`;

let temp: TempDir;
const printed: string[] = [];
const runs: Record<string, Awaited<ReturnType<typeof runInProcess>>> = {};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  temp = await tempDir();
  const entry = await writeRunConfig(temp.dir, {
    models: MODELS,
    judge: "judge-vllm",
    extra: "gateway:\n  url: http://gw.invalid:5052\n  token_env: EVALGATE_TEST_GW_TOKEN\n",
    suites: SUITES,
  });
  const profile = await writeText(temp.path("profile.yaml"), PROFILE);
  for (const suite of ["direct", "gateway"]) {
    const argv = ["run", "--config", entry, "--suite", suite, "--simulate-profile", profile];
    const cache = ["--cache-dir", temp.path("cache")];
    runs[suite] = await runInProcess(
      [...argv, ...cache, "--out", temp.path("runs", suite)],
      temp.dir,
      cleanEnv(KEYS),
    );
    printed.push(runs[suite]!.out, runs[suite]!.err);
  }
  // The report command reads the same folders and prints too.
  const report = await runInProcess(["report", temp.path("runs", "direct")], temp.dir);
  printed.push(report.out, report.err);
}, 60_000);
afterAll(async () => {
  await temp?.cleanup();
});

describe("API keys in a run", () => {
  it.each(["direct", "gateway"])(
    "are sent: %s calls with the right key score, the wrong key fails auth",
    (suite) => {
      const records = readRecords(temp.path("runs", suite));
      expect(records).toHaveLength(6);
      for (const r of records.filter((r) => r.model === "alpha-vllm")) {
        expect(r.status, r.reason).toBe("scored");
      }
      for (const r of records.filter((r) => r.model === "bravo-vllm")) {
        expect(r.status).toBe("error");
        expect(r.errorClass).toBe("auth");
        expect(r.attempts).toBe(1); // auth failures are never retried
      }
      expect(runs[suite]!.code).toBe(3);
    },
  );

  it("never appear in any file the run wrote, nor in anything printed", () => {
    const files = [...filesUnder(temp.path("runs")), ...filesUnder(temp.path("cache"))];
    expect(files.some((f) => f.includes("cache"))).toBe(true); // the cache was written
    const texts = [
      ...files.map((f) => [f, readFileSync(f, "latin1")]),
      ["printed", printed.join("")],
    ];
    for (const [name, value] of Object.entries(KEYS)) {
      for (const [where, text] of texts) {
        expect(text!.includes(value), `${name} found in ${where}`).toBe(false);
      }
    }
  });
});
