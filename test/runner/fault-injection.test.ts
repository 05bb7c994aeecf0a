import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogModel, CellRecord, Example, RenderedPrompt } from "../../src/core/types.js";
import { createRubricJudge } from "../../src/judges/index.js";
import { createModelClient } from "../../src/providers/index.js";
import {
  createCellExecutor,
  EndpointQueues,
  inFlightLimitFor,
  JournalWriter,
  journalPathIn,
  type PlannedCell,
  planCells,
  RetryPolicy,
  readJournal,
  runCells,
  scheduleClient,
} from "../../src/runner/index.js";
import {
  type RunningSimulator,
  type SimulatorProfile,
  startSimulator,
} from "../../src/simulator/index.js";
import { handWrittenEvaluator } from "../support/evaluators.js";

/**
 * The whole runner against the real simulator through the real OpenAI-compatible client:
 * 429s (with and without Retry-After), 5xx, connection resets, hangs past the per-call
 * timeout, malformed bodies and judge replies without a score, all at once. Every cell must
 * end with exactly one record, and every cell scored despite the faults must score exactly as
 * in a clean run.
 */

const FEATURE = "explain";
const MODELS = ["sim-alpha", "sim-beta"];
const JUDGE = "sim-judge";

const examples: Example[] = Array.from({ length: 30 }, (_, i) => ({
  id: `ex-${i}`,
  inputs: { question: `Explain what function number ${i} in the billing module computes and why.` },
  reference: `Function ${i} computes the prorated invoice total for plan tier ${i % 4} and rounds to cents.`,
  source: { file: "inline.jsonl", line: i + 1 },
}));

const evaluator = handWrittenEvaluator({
  system: "Grade the response 1-4. Reply with SCORE: <n> and EXPLANATION: <sentence>.",
  user: "<task>{{ input }}</task>\n<reference>{{ reference }}</reference>\n<response>{{ response }}</response>",
});

const faulty = {
  rate_429: 0.08,
  rate_429_no_retry_after: 0.05,
  retry_after_ms: 40,
  server_500: 0.05,
  server_503: 0.05,
  reset: 0.05,
  hang: 0.04,
  hang_ms: 1_500,
  malformed: 0.05,
};

function profile(withFaults: boolean): SimulatorProfile {
  return {
    defaults: { latency_ms: 2, jitter_ms: 5 },
    models: {
      "sim-alpha": { quality: 0.7, ...(withFaults ? { faults: faulty } : {}) },
      "sim-beta": { quality: 0.4, ...(withFaults ? { faults: faulty } : {}) },
      [JUDGE]: {
        role: "judge",
        quality: 0.9,
        ...(withFaults ? { faults: { ...faulty, judge_no_score: 0.25 } } : {}),
      },
    },
  };
}

function catalogModel(name: string, url: string): CatalogModel {
  return {
    name,
    family: "mistral",
    familyChain: ["mistral"],
    provider: "openai_compatible",
    endpoint: `${url}/v1`,
    identifier: `custom_openai/${name}`,
    identifierPrefix: "custom_openai",
    servedName: name,
    apiKeyEnv: undefined,
    region: undefined,
    apiVersion: undefined,
    params: {},
    limits: { concurrency: 4 },
    prices: undefined,
  };
}

function render(cell: PlannedCell): RenderedPrompt {
  return {
    promptId: "explain",
    family: "mistral",
    version: "1.0.0",
    file: "explain/mistral/1.0.0.yml",
    messages: [
      { role: "system", content: "You explain code." },
      { role: "user", content: String(cell.example.inputs["question"]) },
    ],
    params: { temperature: 0, max_tokens: 200, timeout: 0.4 },
  };
}

async function runAgainst(simulator: RunningSimulator, outDir: string) {
  const queues = new EndpointQueues({ recoveryWindow: 5 });
  const retry = new RetryPolicy({ baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 8 });
  const env = {};
  const scheduled = (name: string, priority: number) => {
    const model = catalogModel(name, simulator.url);
    return scheduleClient({
      client: createModelClient(model, { env, defaultTimeoutMs: 400 }),
      queue: queues.forModel(model),
      retry,
      servedName: model.servedName,
      defaultTimeoutMs: 400,
      priority,
    });
  };
  const clients = new Map(MODELS.map((m) => [m, scheduled(m, 0)]));
  // Default re-asks (2): a re-asked judge must grade exactly as a clean first ask would.
  const judge = createRubricJudge({
    evaluator,
    client: scheduled(JUDGE, 1),
    judgeName: JUDGE,
  });
  const journal = await JournalWriter.open(journalPathIn(outDir));
  const result = await runCells({
    cells: planCells({ features: [{ id: FEATURE, examples }], models: MODELS, repeats: 2 }),
    total: examples.length * MODELS.length * 2,
    execute: createCellExecutor({
      render,
      clientFor: (c) => clients.get(c.model)!,
      judgeFor: () => judge,
    }),
    journal,
    maxInFlight: inFlightLimitFor(
      queues
        .states()
        .map((s) => s.maxConcurrency)
        .concat([4, 4, 4]),
    ),
    backoff: () => retry.state(),
  });
  await journal.close();
  queues.close();
  const { records } = await readJournal(journalPathIn(outDir));
  return { result, records, retries: retry.state().retries };
}

let clean: RunningSimulator;
let chaos: RunningSimulator;
beforeAll(async () => {
  const answerKey = examples.map((e) => ({
    feature: FEATURE,
    inputs: e.inputs,
    reference: e.reference!,
  }));
  clean = await startSimulator({ profile: profile(false), answerKey });
  chaos = await startSimulator({ profile: profile(true), answerKey });
});
afterAll(async () => {
  await Promise.all([clean?.close(), chaos?.close()]);
});

describe("fault injection through the real provider client and simulator", () => {
  it("accounts for every cell and scores survivors exactly as a clean run", async () => {
    const total = examples.length * MODELS.length * 2;
    const base = await runAgainst(clean, mkdtempSync(join(tmpdir(), "evalgate-clean-")));
    const hit = await runAgainst(chaos, mkdtempSync(join(tmpdir(), "evalgate-chaos-")));

    for (const run of [base, hit]) {
      const ids = run.records.map((r) => r.cellId);
      expect(ids).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
      expect(run.result).toMatchObject({ interrupted: false, done: total, cancelled: 0 });
    }
    expect(base.records.every((r) => r.status === "scored")).toBe(true);

    const cleanScore = new Map(base.records.map((r) => [r.cellId, r.score]));
    const scored = hit.records.filter((r) => r.status === "scored");
    for (const r of scored) expect(r.score, r.cellId).toBe(cleanScore.get(r.cellId));
    // The faults really happened and were mostly retried away.
    expect(Object.keys(hit.retries).sort()).toEqual(
      expect.arrayContaining(["connection", "rate_limited", "server", "timeout"]),
    );
    expect(scored.length).toBeGreaterThan(total * 0.8);
    const notScored = hit.records.filter((r: CellRecord) => r.status !== "scored");
    for (const r of notScored) expect(r.reason, r.cellId).toBeTruthy();
    expect(notScored.some((r) => r.status === "unscored")).toBe(true);
  });
});
