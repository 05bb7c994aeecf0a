import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import {
  JournalWriter,
  journalPathIn,
  readJournal,
  truncateTornTail,
} from "../../src/runner/index.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "evalgate-journal-"));
const record = (i: number, extra: Partial<CellRecord> = {}): CellRecord => ({
  cellId: `f/m/e${i}/0`,
  feature: "f",
  model: "m",
  exampleId: `e${i}`,
  repeat: 0,
  status: "scored",
  score: 3,
  passed: true,
  finishedAt: "2025-01-01T00:00:00.000Z",
  ...extra,
});

describe("journal", () => {
  it("appends one JSON line per record, on disk when append resolves", async () => {
    const file = journalPathIn(tempDir());
    const writer = await JournalWriter.open(file);
    await writer.append(record(1));
    // Read straight from disk before close: the record must already be there.
    expect(readFileSync(file, "utf8")).toBe(`${JSON.stringify(record(1))}\n`);
    await Promise.all([writer.append(record(2)), writer.append(record(3))]);
    await writer.close();
    const { records, tornTail } = await readJournal(file);
    expect(records.map((r) => r.cellId)).toEqual(["f/m/e1/0", "f/m/e2/0", "f/m/e3/0"]);
    expect(tornTail).toBe(false);
  });

  it("readers ignore a torn last line; the next writer cuts it off and continues", async () => {
    const file = journalPathIn(tempDir());
    const writer = await JournalWriter.open(file);
    await writer.append(record(1));
    await writer.append(record(2));
    await writer.close();
    appendFileSync(file, JSON.stringify(record(3)).slice(0, 40)); // killed mid-write
    const before = await readJournal(file);
    expect(before.records).toHaveLength(2);
    expect(before.tornTail).toBe(true);

    const resumed = await JournalWriter.open(file);
    await resumed.append(record(4));
    await resumed.close();
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.map((l) => JSON.parse(l).cellId)).toEqual(["f/m/e1/0", "f/m/e2/0", "f/m/e4/0"]);
  });

  it("truncates a torn line longer than the scan chunk, and a file with no newline at all", () => {
    const dir = tempDir();
    const long = join(dir, "long.jsonl");
    writeFileSync(long, `${JSON.stringify(record(1))}\n${"y".repeat(200_000)}`);
    expect(truncateTornTail(long)).toBe(200_000);
    expect(readFileSync(long, "utf8")).toBe(`${JSON.stringify(record(1))}\n`);
    const none = join(dir, "none.jsonl");
    writeFileSync(none, '{"cellId":');
    truncateTornTail(none);
    expect(readFileSync(none, "utf8")).toBe("");
  });

  it("refuses a broken line in the middle, naming file and line", async () => {
    const file = join(tempDir(), "journal.jsonl");
    writeFileSync(file, `${JSON.stringify(record(1))}\nnot json\n${JSON.stringify(record(2))}\n`);
    await expect(readJournal(file)).rejects.toThrow(`${file}:2`);
  });

  it("blanks out secret values that an error message might echo", async () => {
    const file = journalPathIn(tempDir());
    const writer = await JournalWriter.open(file, { secrets: ["sk-live-123456"] });
    await writer.append(record(1, { status: "error", reason: "401: bad key sk-live-123456" }));
    await writer.close();
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("sk-live-123456");
    expect(text).toContain("[redacted]");
  });

  it("survives kill -9 mid-write: every complete line parses and resume continues cleanly", async () => {
    const file = journalPathIn(tempDir());
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "journal-writer-process.ts"), file],
      { cwd: join(import.meta.dirname, "..", ".."), stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const { records } = await readJournal(file);
    expect(records.length).toBeGreaterThan(50);
    const ids = records.map((r) => r.cellId);
    expect(new Set(ids).size).toBe(ids.length);
    const writer = await JournalWriter.open(file);
    await writer.append(record(-1));
    await writer.close();
    const after = await readJournal(file);
    expect(after.tornTail).toBe(false);
    expect(after.records).toHaveLength(records.length + 1);
  });
});
