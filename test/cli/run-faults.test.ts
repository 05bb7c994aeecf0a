/**
 * Every fault the simulator can inject, all at once, in one small run: 429s with and without
 * Retry-After, 500/503, connection resets, hangs past a short timeout, malformed bodies,
 * judge replies with no score and judge refusals. The run completes, every planned cell ends
 * in exactly one terminal record, and whatever got scored scored as in a clean run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import {
  duplicateIds,
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

const ENDPOINT = "http://vllm.invalid:8000/v1"; // --simulate replaces it
// `timeout` (seconds) is the per-call timeout: a hang is cut off after half a second.
const MODELS = `models:
${vllmModel("alpha-vllm", "mistral", ENDPOINT, ["params: { max_tokens: 512, timeout: 0.5 }"])}
${vllmModel("beta-vllm", "codestral", ENDPOINT, ["params: { max_tokens: 512, timeout: 0.5 }"])}
${vllmModel("judge-vllm", "gpt", ENDPOINT, ["role: judge", "params: { max_tokens: 256, timeout: 0.5 }"])}
`;
const SUITE = `  faulty:
    features: [code_generations]
    models: [alpha-vllm, beta-vllm]
    limit: 15
`;
const MODEL_FAULTS =
  "{ rate_429: 0.08, rate_429_no_retry_after: 0.05, retry_after_ms: 200, server_500: 0.05, server_503: 0.05, reset: 0.05, hang: 0.04, hang_ms: 3000, malformed: 0.05 }";
const JUDGE_FAULTS =
  "{ judge_no_score: 0.2, refusal: 0.12, server_503: 0.05, rate_429: 0.05, retry_after_ms: 200, hang: 0.03, hang_ms: 3000 }";

function profile(faults: boolean): string {
  const f = (spec: string) => (faults ? `, faults: ${spec}` : "");
  return `defaults: { latency_ms: 2, jitter_ms: 3 }
models:
  alpha-vllm: { quality: 0.7${f(MODEL_FAULTS)} }
  beta-vllm: { quality: 0.85${f(MODEL_FAULTS)} }
  judge-vllm: { role: judge, quality: 0.95${f(JUDGE_FAULTS)} }
`;
}

let temp: TempDir;
let entry: string;
const runs: Record<string, { code: number; out: string; err: string; records: CellRecord[] }> = {};

beforeAll(async () => {
  temp = await tempDir();
  entry = await writeRunConfig(temp.dir, { models: MODELS, judge: "judge-vllm", suites: SUITE });
  for (const kind of ["clean", "faulty"] as const) {
    const file = await writeText(temp.path(`${kind}.yaml`), profile(kind === "faulty"));
    const r = await runInProcess(
      ["run", "--config", entry, "--simulate-profile", file, "--no-cache", "--out", kind],
      temp.dir,
    );
    runs[kind] = { ...r, records: readRecords(temp.path(kind)) };
  }
}, 60_000);
afterAll(async () => {
  await temp?.cleanup();
});

describe("evalgate run under every injected fault at once", () => {
  it("the clean run scores every cell", () => {
    const clean = runs.clean!;
    expect(clean.code, clean.err).toBe(0);
    expect(clean.records).toHaveLength(30);
    expect(clean.records.every((r) => r.status === "scored")).toBe(true);
  });

  it("gives every planned cell exactly one terminal record", async () => {
    const faulty = runs.faulty!;
    expect(faulty.err).not.toMatch(STACK_FRAME);
    expect([0, 1, 3]).toContain(faulty.code);
    expect(duplicateIds(faulty.records)).toEqual([]);
    expect(new Set(faulty.records.map((r) => r.cellId))).toEqual(
      new Set(runs.clean!.records.map((r) => r.cellId)),
    );
    const manifest = await readManifest(temp.path("faulty"));
    expect(manifest.complete).toBe(true);
    expect(manifest.summary.totals).toMatchObject({ planned: 30, missing: 0 });
  });

  it("scores what it scored exactly as the clean run did; the rest say why", () => {
    const clean = new Map(runs.clean!.records.map((r) => [r.cellId, r]));
    for (const record of runs.faulty!.records) {
      if (record.status === "scored") {
        expect(record.score, record.cellId).toBe(clean.get(record.cellId)!.score);
      } else {
        expect(record.reason, record.cellId).toMatch(/\S/);
        if (record.status === "error") expect(record.errorClass, record.cellId).toBeDefined();
      }
    }
  });

  it("really met the faults: retries happened and some judge replies were unusable", () => {
    const records = runs.faulty!.records;
    expect(records.some((r) => (r.attempts ?? 1) > 1)).toBe(true);
    const unscored = records.filter((r) => r.status === "unscored");
    expect(unscored.length).toBeGreaterThan(0);
    for (const r of unscored) expect(r.reason).toMatch(/judge (refused|reply had no usable score)/);
  });

  it("still prints the verdict table", () => {
    const { out } = runs.faulty!;
    expect(out).toMatch(/^feature\s+model\s+verdict\s+pass/m);
    expect(out).toMatch(/^code_generations\s+alpha-vllm\s+\S+/m);
    expect(out).toMatch(/^code_generations\s+beta-vllm\s+\S+/m);
  });
});
