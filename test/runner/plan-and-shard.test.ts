import { describe, expect, it } from "vitest";
import type { Example } from "../../src/core/types.js";
import {
  cellIdFor,
  countPlannedCells,
  isInShard,
  type PlannedCell,
  parseShard,
  planCells,
  selectShard,
  shardFromEnv,
  shardIndexOf,
} from "../../src/runner/index.js";

const example = (id: string, line = 1): Example => ({
  id,
  inputs: { q: id },
  reference: `ref ${id}`,
  source: { file: "data.jsonl", line },
});

async function collect(cells: AsyncIterable<PlannedCell>): Promise<PlannedCell[]> {
  const out: PlannedCell[] = [];
  for await (const c of cells) out.push(c);
  return out;
}

describe("planCells", () => {
  it("plans feature × model × example × repeat with stable ids, interleaving models", async () => {
    const spec = {
      features: [{ id: "gen", examples: [example("a"), example("b")] }],
      models: ["m1", "m2", "m3"],
      repeats: 2,
    };
    const cells = await collect(planCells(spec));
    expect(cells).toHaveLength(12);
    expect(countPlannedCells(spec)).toBe(12);
    expect(cells.slice(0, 4).map((c) => c.cellId)).toEqual([
      "gen/m1/a/0",
      "gen/m2/a/0",
      "gen/m3/a/0",
      "gen/m1/a/1",
    ]);
    expect(cellIdFor("gen", "m1", "a", 0)).toBe("gen/m1/a/0");
    expect(new Set(cells.map((c) => c.cellId)).size).toBe(12);
  });

  it("streams from an async dataset lazily and honours per-feature models", async () => {
    let pulled = 0;
    async function* examples() {
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield example(`e${i}`, i + 1);
      }
    }
    const spec = {
      features: [{ id: "chat", examples: examples(), models: ["only"] }],
      models: ["m1", "m2"],
      repeats: 1,
    };
    expect(countPlannedCells(spec)).toBeUndefined();
    const iterator = planCells(spec)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ cellId: "chat/only/e0/0", model: "only" });
    expect(pulled).toBeLessThanOrEqual(2);
    await iterator.return?.(undefined);
  });

  it("refuses duplicate example ids, naming both lines", async () => {
    const spec = {
      features: [{ id: "gen", examples: [example("a", 3), example("a", 7)] }],
      models: ["m"],
      repeats: 1,
    };
    await expect(collect(planCells(spec))).rejects.toThrow(/data\.jsonl:7.*data\.jsonl:3/);
  });

  it("refuses repeats below 1", async () => {
    await expect(collect(planCells({ features: [], models: [], repeats: 0 }))).rejects.toThrow(
      /repeats/,
    );
  });
});

describe("shards", () => {
  it("parses I/N and explains bad input", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, total: 4 });
    expect(parseShard(" 1 / 1 ")).toEqual({ index: 1, total: 1 });
    for (const bad of ["0/4", "5/4", "2", "a/b", "1/0", "-1/2", "1.5/3"]) {
      expect(() => parseShard(bad)).toThrow(/--shard.*I\/N/);
    }
  });

  it("reads GitLab CI parallel variables", () => {
    expect(shardFromEnv({ CI_NODE_INDEX: "3", CI_NODE_TOTAL: "5" })).toEqual({
      index: 3,
      total: 5,
    });
    expect(shardFromEnv({})).toBeUndefined();
    expect(() => shardFromEnv({ CI_NODE_INDEX: "6", CI_NODE_TOTAL: "5" })).toThrow(/CI_NODE_INDEX/);
  });

  it("partitions the cells exactly: disjoint, union = all, examples kept whole", async () => {
    const spec = {
      features: [
        { id: "gen", examples: Array.from({ length: 200 }, (_, i) => example(`g${i}`)) },
        { id: "chat", examples: Array.from({ length: 100 }, (_, i) => example(`c${i}`)) },
      ],
      models: ["m1", "m2"],
      repeats: 2,
    };
    const all = await collect(planCells(spec));
    const total = 4;
    const seen = new Map<string, number>();
    for (let index = 1; index <= total; index++) {
      const shard = await collect(selectShard(planCells(spec), { index, total }));
      expect(shard.length).toBeGreaterThan(all.length / total / 2); // roughly balanced
      for (const cell of shard) {
        expect(seen.has(cell.cellId)).toBe(false);
        seen.set(cell.cellId, index);
      }
    }
    expect(seen.size).toBe(all.length);
    // Every model and repeat of one example sits in one shard.
    for (const cell of all) expect(seen.get(cell.cellId)).toBe(shardIndexOf(cell.exampleId, total));
  });

  it("is deterministic: a fixed id always maps to the same shard", () => {
    expect(shardIndexOf("example-1", 4)).toBe(shardIndexOf("example-1", 4));
    expect(isInShard("anything", { index: 1, total: 1 })).toBe(true);
    // Pinned so a change of hash function (which would reshuffle CI shards) fails loudly.
    expect([0, 1, 2, 3, 4].map((i) => shardIndexOf(`ex${i}`, 3))).toEqual([3, 3, 1, 3, 2]);
  });
});
