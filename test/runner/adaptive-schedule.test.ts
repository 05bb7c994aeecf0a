import { describe, expect, it } from "vitest";
import type { AdaptiveStop, CellRecord, Example } from "../../src/core/types.js";
import { type AdaptiveRule, AdaptiveSchedule, type PlannedPair } from "../../src/runner/index.js";

const examples: Example[] = Array.from({ length: 6 }, (_, i) => ({
  id: `e${i}`,
  inputs: {},
  reference: undefined,
  source: { file: "d.jsonl", line: i + 1 },
}));
const pair = { feature: "f", model: "m", verdictPolicy: "point", minScored: 1 } as PlannedPair;

function scored(exampleId: string, score: number): CellRecord {
  return {
    cellId: `f/m/${exampleId}/0`,
    feature: "f",
    model: "m",
    exampleId,
    repeat: 0,
    status: "scored",
    score,
    finishedAt: "2026-01-01T00:00:00.000Z",
  };
}

describe("AdaptiveSchedule", () => {
  it("folds results in the random order only, sends at most the window past the folded prefix, and after the stop sends the rest of that window and skips the others", async () => {
    const seen: [number, number][] = [];
    const rule: AdaptiveRule = {
      seed: 1,
      confidence: 0.95,
      order: (list) => [...list],
      outcome: (scores) => (scores[0]! >= 3 ? 1 : 0),
      settle(_pair, passed, n, total) {
        seen.push([passed, n]);
        if (n < 3) return null;
        return {
          afterExamples: n,
          passed,
          examples: total,
          verdict: "green",
          interval: { low: 0.8, high: 1 },
          confidence: 0.95,
          seed: 1,
        } satisfies AdaptiveStop;
      },
    };
    const schedule = new AdaptiveSchedule({
      features: [{ id: "f", examples }],
      pairs: [pair],
      repeats: 1,
      rule,
      windowFor: () => 2,
      finished: new Set(),
    });
    const cells = schedule.cells();
    const first = (await cells.next()).value!;
    const second = (await cells.next()).value!;
    expect([first.exampleId, second.exampleId]).toEqual(["e0", "e1"]);
    // Two examples past the folded prefix (none yet): the next cell waits.
    let third: string | undefined;
    const pending = cells.next().then((r) => {
      third = r.value?.exampleId;
    });
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    expect(third).toBeUndefined();
    // e1 finishes first: it is not folded before e0, and the prefix, not the number of
    // calls in flight, bounds what is sent, so e2 still waits.
    schedule.observe(scored("e1", 4));
    await tick();
    expect(third).toBeUndefined();
    expect(seen).toEqual([]);
    schedule.observe(scored("e0", 2));
    await pending;
    expect(third).toBe("e2");
    expect(seen).toEqual([
      [0, 1],
      [1, 2],
    ]);
    schedule.observe(scored("e2", 4));
    expect(seen.at(-1)).toEqual([2, 3]);
    // Stopped on the 3rd example with a window of 2: e3 was inside the window before the
    // stop (whether or not it had been sent yet), so it is sent; the others are skipped.
    const rest: string[] = [];
    for await (const cell of cells)
      rest.push(`${cell.exampleId}:${schedule.skipRecordFor(cell)?.status ?? "sent"}`);
    expect(rest).toEqual(["e3:sent", "e4:skipped", "e5:skipped"]);
    expect(schedule.skipRecordFor(first)).toBeUndefined();
    expect(schedule.stops().get("f/m")?.afterExamples).toBe(3);
  });
});
