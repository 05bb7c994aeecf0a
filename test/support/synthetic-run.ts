/**
 * A run folder written without calling any model: records go through the real journal
 * writer and prompt store, run.json through writeRunManifest, and the reports through
 * writeRunReports, exactly as `evalgate run` ends. For report tests and benchmarks that need
 * many examples per cell (1,000 × 6 cells in seconds, where the simulator takes minutes).
 */
import { mkdir } from "node:fs/promises";
import type { CellRecord, ChatMessage } from "../../src/core/types.js";
import { type RunReport, writeRunReports } from "../../src/reports/index.js";
import {
  cellIdFor,
  JournalWriter,
  journalPathIn,
  PromptStore,
  promptsPathIn,
  RUN_MANIFEST_SCHEMA_VERSION,
  writeRunManifest,
} from "../../src/runner/index.js";

export interface SyntheticRunOptions {
  features: string[];
  models: string[];
  examplesPerCell: number;
  /** Deterministic seed for scores. */
  seed?: number;
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPET = "def total(items):\n    return sum(item.price * item.quantity for item in items)";

export async function writeSyntheticRun(
  outDir: string,
  options: SyntheticRunOptions,
): Promise<RunReport> {
  const next = random(options.seed ?? 7);
  const pairs = options.features.flatMap((feature) =>
    options.models.map((model) => ({
      feature,
      model,
      planned: options.examplesPerCell,
      threshold: 0.8,
      yellowBand: 0.1,
      gated: false,
      prices: { inputPerMillion: 0.2, outputPerMillion: 0.6 },
      promptFile: `${feature}/base/1.0.0.yml`,
      promptVersion: "1.0.0",
      family: "base",
    })),
  );
  await mkdir(outDir, { recursive: true });
  await writeRunManifest(outDir, {
    schemaVersion: RUN_MANIFEST_SCHEMA_VERSION,
    runId: "20260101T000000Z-synthetic",
    createdAt: "2026-01-01T00:00:00.000Z",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:10:00.000Z",
    suite: "synthetic",
    gate: false,
    config: { hash: "synthetic" },
    planned: pairs.length * options.examplesPerCell,
    pairs,
    complete: true,
  });
  const journal = await JournalWriter.open(journalPathIn(outDir));
  const prompts = await PromptStore.open(promptsPathIn(outDir));
  const pending: Promise<void>[] = [];
  for (const { feature, model } of pairs) {
    // Quality differs per model so the charts have something to compare.
    const quality =
      0.55 + 0.35 * (options.models.indexOf(model) / Math.max(1, options.models.length - 1));
    for (let i = 0; i < options.examplesPerCell; i++) {
      const exampleId = `${feature}-${String(i).padStart(4, "0")}`;
      const inputs = { code: `${SNIPPET}  # example ${i}`, question: `What does example ${i} do?` };
      const messages: ChatMessage[] = [
        { role: "system", content: `You are an expert for ${feature}.` },
        { role: "user", content: `${inputs.question}\n\n${inputs.code}` },
      ];
      const roll = next();
      const base: CellRecord = {
        cellId: cellIdFor(feature, model, exampleId, 0),
        feature,
        model,
        exampleId,
        repeat: 0,
        status: "scored",
        finishedAt: "2026-01-01T00:05:00.000Z",
        inputs,
        reference: `It multiplies price by quantity for each item and sums the results (${i}).`,
        promptHash: prompts.store(messages),
        promptFile: `${feature}/base/1.0.0.yml`,
        promptVersion: "1.0.0",
        latencyMs: Math.round(200 + 800 * next()),
        usage: { inputTokens: 60, outputTokens: 40 },
        judge: "synthetic-judge",
      };
      if (roll < 0.02) {
        pending.push(
          journal.append({ ...base, status: "error", errorClass: "timeout", reason: "timed out" }),
        );
        continue;
      }
      const score = roll < quality ? 3 + Math.round(next()) : 1 + Math.round(next());
      const explanation = `The response ${score >= 3 ? "matches" : "misses"} the reference on the key point.`;
      pending.push(
        journal.append({
          ...base,
          score,
          passed: score >= 3,
          response: `This function adds up price times quantity over all items; example ${i}.`,
          judgeExplanation: explanation,
          judges: [{ name: "synthetic-judge", score, explanation }],
        }),
      );
    }
  }
  await Promise.all(pending);
  await journal.close();
  prompts.close();
  return writeRunReports(outDir);
}
