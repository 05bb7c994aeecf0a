/**
 * What the journal carries for reports: each record has the example's inputs, reference,
 * the rendered prompt's hash and every judge's grade; prompts.jsonl holds each distinct
 * prompt once, and stays consistent through resume and merge.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExamples } from "../../src/datasets/index.js";
import { promptHashOf } from "../../src/runner/index.js";
import {
  CONFIG_DIR,
  cleanEnv,
  readRecords,
  runInProcess,
  type TempDir,
  tempDir,
  writeRunConfig,
  writeText,
} from "../cli/run-test-support.js";

const SUITE = `  records:
    features: [code_generations]
    models: [mistral-7b-vllm, codestral-22b-vllm]
    limit: 4
    repeats: 2
`;

let temp: TempDir;
let base: string[];

interface PromptLine {
  hash: string;
  messages: { role: string; content: string }[];
}
const promptLines = (dir: string): PromptLine[] =>
  readFileSync(temp.path(dir, "prompts.jsonl"), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as PromptLine);

beforeAll(async () => {
  temp = await tempDir();
  const entry = await writeRunConfig(temp.dir, { suites: SUITE });
  const profile = await writeText(
    temp.path("profile.yaml"),
    "defaults: { latency_ms: 1, jitter_ms: 1 }\n",
  );
  base = ["run", "--config", entry, "--simulate-profile", profile, "--no-cache", "--quiet"];
  expect((await runInProcess([...base, "--out", "full"], temp.dir, cleanEnv())).code).toBe(0);
  for (const i of [1, 2]) {
    const r = await runInProcess([...base, "--shard", `${i}/2`, "--out", `s${i}`], temp.dir);
    expect(r.code).toBe(0);
  }
}, 60_000);
afterAll(async () => {
  await temp?.cleanup();
});

describe("journal records carry what reports need", () => {
  it("records hold inputs, reference, prompt hash and the judges' grades", async () => {
    const records = readRecords(temp.path("full"));
    expect(records).toHaveLength(16);
    const examples = await loadExamples(`${CONFIG_DIR}/../datasets/code_generations.jsonl`, {
      limit: 4,
    });
    const byId = new Map(examples.map((e) => [e.id, e]));
    for (const r of records) {
      const example = byId.get(r.exampleId)!;
      expect(r.inputs).toEqual(example.inputs);
      expect(r.reference).toBe(example.reference);
      expect(r.promptHash).toMatch(/^[0-9a-f]{16}$/);
      if (r.status === "scored") {
        expect(r.judges).toEqual([
          { name: "claude-3-5-sonnet-judge", score: r.score, explanation: r.judgeExplanation },
        ]);
      }
    }
  });

  it("prompts.jsonl stores each distinct prompt once, under the hash records name", () => {
    const records = readRecords(temp.path("full"));
    const lines = promptLines("full");
    const hashes = lines.map((l) => l.hash);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(new Set(hashes)).toEqual(new Set(records.map((r) => r.promptHash)));
    for (const line of lines) expect(promptHashOf(line.messages as never)).toBe(line.hash);
    // Two repeats share a prompt: fewer prompts than records.
    expect(lines.length).toBeLessThanOrEqual(records.length / 2);
    expect(lines[0]!.messages.some((m) => m.role === "user" && m.content.length > 0)).toBe(true);
  });

  it("merge writes the union of the shards' prompts, each once", async () => {
    const r = await runInProcess(["merge", "s1", "s2", "--out", "merged"], temp.dir);
    expect(r.err).toBe("");
    const merged = promptLines("merged").map((l) => l.hash);
    expect(new Set(merged).size).toBe(merged.length);
    expect(new Set(merged)).toEqual(new Set(promptLines("full").map((l) => l.hash)));
  });

  it("resume appends only prompts not stored yet, after cutting a torn line", async () => {
    const journal = temp.path("full", "journal.jsonl");
    const lines = readFileSync(journal, "utf8").trimEnd().split("\n");
    // Drop the last 6 records and leave a torn prompt line, as a kill mid-write would.
    writeFileSync(journal, `${lines.slice(0, -6).join("\n")}\n`);
    const before = promptLines("full");
    writeFileSync(
      temp.path("full", "prompts.jsonl"),
      `${readFileSync(temp.path("full", "prompts.jsonl"), "utf8")}{"hash":"torn`,
    );
    const r = await runInProcess(["run", "--resume", "full", "--quiet"], temp.dir);
    expect(r.code).toBe(0);
    const after = promptLines("full");
    expect(after.map((l) => l.hash)).toEqual(before.map((l) => l.hash));
    expect(readRecords(temp.path("full"))).toHaveLength(16);
  });
});
