import { once } from "node:events";
import { createWriteStream, readdirSync, statSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { readExamples } from "../../src/datasets/index.js";
import { scratchFolder } from "./dataset-files.js";

const write = scratchFolder();

// `gc` is only global with --expose-gc; turning the flag on at runtime and fetching it from
// a fresh context works without changing how vitest starts workers.
function findGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

async function writeLargeJsonl(file: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(file);
  const filler = "x".repeat(400);
  let bytes = 0;
  let rows = 0;
  while (bytes < targetBytes) {
    const line = `${JSON.stringify({
      inputs: { content: `${filler} ${rows}`, language: "python" },
      outputs: { output: `reference ${rows}` },
    })}\n`;
    bytes += line.length;
    rows++;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return rows;
}

function openFileCount(): number {
  return readdirSync("/proc/self/fd").length;
}

describe("streaming", () => {
  it("reads a 50 MB JSONL file without holding it in memory", async () => {
    const file = write("large.jsonl", "");
    const rows = await writeLargeJsonl(file, 50 * 1024 * 1024);
    expect(statSync(file).size).toBeGreaterThanOrEqual(50 * 1024 * 1024);

    const gc = findGc();
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peakGrowth = 0;
    let count = 0;
    let lastLine = 0;
    for await (const example of readExamples(file)) {
      count++;
      lastLine = example.source.line;
      // Sampling after a collection measures what is retained, not garbage awaiting GC.
      if (count % 10_000 === 0) {
        gc();
        peakGrowth = Math.max(peakGrowth, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(count).toBe(rows);
    expect(lastLine).toBe(rows);
    // The id map for ~110k examples is a few MB; holding the file would be well over 50 MB.
    expect(peakGrowth).toBeLessThan(40 * 1024 * 1024);
  });

  // /proc/self/fd is how open files are counted; other platforms lack it.
  it.skipIf(process.platform !== "linux")(
    "closes the file when the limit is reached or the reader stops early",
    async () => {
      const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ inputs: { i } }));
      const file = write("many.jsonl", `${lines.join("\n")}\n`);
      const csv = write("many.csv", `i\n${Array.from({ length: 2000 }, (_, i) => i).join("\n")}\n`);
      const before = openFileCount();

      for (const path of [file, csv]) {
        const seen: unknown[] = [];
        for await (const example of readExamples(path, { limit: 3 }))
          seen.push(example.inputs["i"]);
        expect(seen).toHaveLength(3);

        const iterator = readExamples(path)[Symbol.asyncIterator]();
        await iterator.next();
        expect(openFileCount()).toBeGreaterThan(before);
        await iterator.return?.();
      }
      // Closing is asynchronous at the fd level; give the event loop a turn.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(openFileCount()).toBe(before);
    },
  );
});
