import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CellRecord, Example } from "../../src/core/types.js";
import {
  inFlightLimitFor,
  JournalWriter,
  journalPathIn,
  loadResumeState,
  type PlannedCell,
  planCells,
  type RunProgress,
  readJournal,
  runCells,
  skipFinished,
} from "../../src/runner/index.js";

const examples = (n: number): Example[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    inputs: { i },
    reference: undefined,
    source: { file: "d.jsonl", line: i + 1 },
  }));
const spec = (n: number) => ({
  features: [{ id: "f", examples: examples(n) }],
  models: ["a", "b"],
  repeats: 1,
});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tempDir = () => mkdtempSync(join(tmpdir(), "evalgate-run-"));

function recordOf(cell: PlannedCell, score = 4): CellRecord {
  const { cellId, feature, model, exampleId, repeat } = cell;
  return {
    cellId,
    feature,
    model,
    exampleId,
    repeat,
    status: "scored",
    score,
    passed: score >= 3,
    finishedAt: "t",
  };
}

function memoryJournal() {
  const records: CellRecord[] = [];
  return { records, append: async (r: CellRecord) => void records.push(r) };
}

describe("runCells", () => {
  it("gives every planned cell exactly one record even when execute throws", async () => {
    const journal = memoryJournal();
    const result = await runCells({
      cells: planCells(spec(50)),
      total: 100,
      journal,
      maxInFlight: 7,
      execute: async (cell) => {
        await wait(1);
        const n = Number(cell.exampleId.slice(1));
        if (n % 3 === 0) throw new Error(`boom ${cell.cellId}`);
        if (n % 5 === 0) return undefined as unknown as CellRecord; // a buggy executor
        return recordOf(cell);
      },
    });
    expect(result).toMatchObject({ interrupted: false, done: 100, cancelled: 0 });
    const ids = journal.records.map((r) => r.cellId);
    expect(new Set(ids).size).toBe(100);
    const errors = journal.records.filter((r) => r.status === "error");
    expect(errors.length).toBe(result.errors);
    expect(errors.find((r) => r.cellId === "f/a/e3/0")?.reason).toContain("boom f/a/e3/0");
  });

  it("keeps at most maxInFlight cells running and pulls cells lazily", async () => {
    let running = 0;
    let peak = 0;
    let pulled = 0;
    async function* lazy() {
      for await (const cell of planCells(spec(100))) {
        pulled++;
        yield cell;
      }
    }
    let maxAhead = 0;
    const journal = memoryJournal();
    await runCells({
      cells: lazy(),
      journal,
      maxInFlight: 5,
      execute: async (cell) => {
        running++;
        peak = Math.max(peak, running);
        maxAhead = Math.max(maxAhead, pulled - journal.records.length);
        await wait(2);
        running--;
        return recordOf(cell);
      },
    });
    expect(peak).toBe(5);
    expect(maxAhead).toBeLessThanOrEqual(5);
    expect(journal.records).toHaveLength(200);
    expect(inFlightLimitFor([4, 8])).toBe(24);
  });

  it("reports progress with rate and eta", async () => {
    const events: RunProgress[] = [];
    await runCells({
      cells: planCells(spec(10)),
      total: 20,
      journal: memoryJournal(),
      execute: async (cell) => {
        await wait(2);
        return recordOf(cell, 2);
      },
      onProgress: (p) => events.push(p),
      backoff: () => ({ waiting: 0, longestWaitMs: 0, retries: {} }),
    });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ done: 20, total: 20, scored: 20, errors: 0, inFlight: 0 });
    expect(last.ratePerSecond).toBeGreaterThan(0);
    expect(last.backoff).toEqual({ waiting: 0, longestWaitMs: 0, retries: {} });
    expect(events.some((e) => e.etaMs !== undefined && e.etaMs > 0)).toBe(true);
  });

  it("interrupted then resumed: every cell recorded once, none lost, none repeated", async () => {
    const outDir = tempDir();
    const executed = new Map<string, number>();
    const execute = async (cell: PlannedCell, signal: AbortSignal) => {
      executed.set(cell.cellId, (executed.get(cell.cellId) ?? 0) + 1);
      // Some cells are slow and ignore nothing: they honour the abort signal.
      const ms = cell.exampleId.endsWith("7") ? 5_000 : 3;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => {
          clearTimeout(t);
          reject(signal.reason);
        });
      });
      return recordOf(cell);
    };

    const controller = new AbortController();
    const first = await JournalWriter.open(journalPathIn(outDir));
    setTimeout(() => controller.abort(), 60);
    const r1 = await runCells({
      cells: planCells(spec(60)),
      journal: first,
      execute,
      maxInFlight: 8,
      signal: controller.signal,
      graceMs: 50,
    });
    await first.close();
    expect(r1.interrupted).toBe(true);
    expect(r1.cancelled).toBeGreaterThan(0);
    const afterFirst = await readJournal(journalPathIn(outDir));
    expect(afterFirst.records.length).toBe(r1.done);
    expect(r1.done).toBeLessThan(120);

    const state = await loadResumeState(outDir);
    expect(state.finished.size).toBe(r1.done);
    let skipped = 0;
    const second = await JournalWriter.open(journalPathIn(outDir));
    executed.clear();
    const fast = async (cell: PlannedCell) => {
      executed.set(cell.cellId, (executed.get(cell.cellId) ?? 0) + 1);
      return recordOf(cell);
    };
    const r2 = await runCells({
      cells: skipFinished(planCells(spec(60)), state.finished, () => skipped++),
      journal: second,
      execute: fast,
    });
    await second.close();
    expect(r2.interrupted).toBe(false);
    expect(skipped).toBe(r1.done);
    for (const id of state.finished) expect(executed.has(id)).toBe(false);

    const { records } = await readJournal(journalPathIn(outDir));
    const ids = records.map((r) => r.cellId);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
  });

  it("fails loudly when the journal cannot be written, instead of counting unrecorded cells", async () => {
    let appended = 0;
    const broken = {
      append: async () => {
        if (++appended > 3) throw new Error("ENOSPC");
      },
    };
    await expect(
      runCells({ cells: planCells(spec(20)), journal: broken, execute: async (c) => recordOf(c) }),
    ).rejects.toThrow("ENOSPC");
  });
});
