import { afterEach, describe, expect, it } from "vitest";
import {
  HEAP_GROWING_PERCENT,
  setHeapGrowingPercent,
  tuneHeapGrowth,
} from "../../src/cli/heap-growth.js";

afterEach(() => setHeapGrowingPercent(0));

describe("the evalgate process's heap growth policy", () => {
  it("applies evalgate's growth factor when the user set none", () => {
    expect(tuneHeapGrowth([], undefined)).toBe(HEAP_GROWING_PERCENT);
    expect(tuneHeapGrowth(["--enable-source-maps"], "--max-old-space-size=4096")).toBe(
      HEAP_GROWING_PERCENT,
    );
  });

  it("leaves an explicit --heap-growing-percent alone, in the node flags or NODE_OPTIONS", () => {
    expect(tuneHeapGrowth(["--heap-growing-percent=300"], undefined)).toBeUndefined();
    expect(tuneHeapGrowth([], "--trace-gc --heap_growing_percent=20")).toBeUndefined();
  });

  it("is set by the CLI entry before any command runs", async () => {
    const { readFile } = await import("node:fs/promises");
    const entry = await readFile(new URL("../../src/cli/main.ts", import.meta.url), "utf8");
    const call = entry.indexOf("tuneHeapGrowth()");
    expect(call).toBeGreaterThan(0);
    expect(call).toBeLessThan(entry.indexOf("await main("));
  });
});
