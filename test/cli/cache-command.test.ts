/**
 * The response cache through the CLI: a second run of the same suite on the simulator (which
 * listens on a new port every run) makes no calls at all, and `evalgate cache` reports,
 * prunes and clears what the runs stored.
 */
import { existsSync } from "node:fs";
import { utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cacheUsage } from "../../src/runner/index.js";
import {
  BUNDLED_CONFIG,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
} from "./run-test-support.js";

let temp: TempDir;
afterEach(async () => {
  await temp?.cleanup();
});

const demo = (out: string, cacheDir: string) => [
  "run",
  "--config",
  BUNDLED_CONFIG,
  "--simulate",
  "--features",
  "code_generations",
  "--limit",
  "2",
  "--quiet",
  "--cache-dir",
  cacheDir,
  "--out",
  out,
];

describe("response cache through evalgate run", () => {
  it("a second simulated run replays every call: the simulator (on another port) gets 0 requests", async () => {
    temp = await tempDir();
    const cacheDir = temp.path("cache");
    const first = await runInProcess(demo("one", cacheDir), temp.dir);
    expect(first.code).toBe(0);
    const firstLine = /^cache: 0 hit\(s\), (\d+) miss\(es\) · simulator: (\d+) request\(s\)$/m.exec(
      first.out,
    );
    expect(firstLine).not.toBeNull();
    const calls = Number(firstLine![2]);
    // 7 models × 2 examples, each a model call and a judge call.
    expect(calls).toBe(7 * 2 * 2);
    expect(Number(firstLine![1])).toBe(calls);
    // Two identical requests in flight at once (two models answering alike, then judged
    // alike) both miss and share one entry, so entries can be fewer than calls.
    const stored = await cacheUsage(cacheDir);
    expect(stored.entries).toBeGreaterThan(calls / 2);
    expect(stored.entries).toBeLessThanOrEqual(calls);

    const second = await runInProcess(demo("two", cacheDir), temp.dir);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`cache: ${calls} hit(s), 0 miss(es) · simulator: 0 request(s)\n`);
    expect((await cacheUsage(cacheDir)).entries).toBe(stored.entries);
  });

  it("evalgate cache stats, prune (oldest first) and clear", async () => {
    temp = await tempDir();
    const cacheDir = temp.path("cache");
    expect((await runInProcess(demo("one", cacheDir), temp.dir)).code).toBe(0);
    const usage = await cacheUsage(cacheDir);
    const n = usage.entries;
    expect(n).toBeGreaterThan(14);

    const stats = await runInProcess(
      ["cache", "stats", "--cache-dir", "cache", "--json"],
      temp.dir,
    );
    expect(stats.code).toBe(0);
    const json = JSON.parse(stats.out);
    expect(json).toMatchObject({
      dir: cacheDir,
      entries: n,
      bytes: usage.bytes,
      maxBytes: 500 * 1024 * 1024,
    });
    const text = await runInProcess(["cache", "stats", "--cache-dir", "cache"], temp.dir);
    expect(text.out).toMatch(
      new RegExp(`^cache ${cacheDir}: ${n} entr\\(ies\\), \\d+\\.\\d KB, written `),
    );

    // Make one entry the oldest; a bound just below the total removes exactly that one.
    const { readdir } = await import("node:fs/promises");
    const shard = (await readdir(cacheDir)).sort()[0]!;
    const oldest = join(cacheDir, shard, (await readdir(join(cacheDir, shard)))[0]!);
    await utimes(oldest, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const prune = await runInProcess(
      ["cache", "prune", "--cache-dir", "cache", "--max-size", String(usage.bytes - 1), "--json"],
      temp.dir,
    );
    expect(prune.code).toBe(0);
    expect(JSON.parse(prune.out)).toMatchObject({ action: "prune", removed: 1, entries: n - 1 });
    expect(existsSync(oldest)).toBe(false);

    const clear = await runInProcess(["cache", "clear", "--cache-dir", "cache"], temp.dir);
    expect(clear.code).toBe(0);
    expect(clear.out).toMatch(
      new RegExp(`removed ${n - 1} entr\\(ies\\) \\(.+\\); 0 left, 0 B\n$`),
    );
    expect((await cacheUsage(cacheDir)).entries).toBe(0);
  });

  it("a --cache-dir that is a file is a usage error (exit 2) and leaves no run folder", async () => {
    temp = await tempDir();
    await writeFile(temp.path("not-a-folder"), "x");
    const r = await runInProcess(demo("out", "not-a-folder"), temp.dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `evalgate run: the cache folder ${temp.path("not-a-folder")} is a file, not a folder; pass another --cache-dir, remove the file, or run with --no-cache\n`,
    );
    expect(r.err).not.toMatch(STACK_FRAME);
    expect(existsSync(temp.path("out", "run.json"))).toBe(false);
    const stats = await runInProcess(["cache", "stats", "--cache-dir", "not-a-folder"], temp.dir);
    expect(stats.code).toBe(2);
  });

  it("refuses an unknown action and a bad size", async () => {
    temp = await tempDir();
    const bad = await runInProcess(["cache", "shrink"], temp.dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^evalgate cache: name one action: stats, prune or clear \(got "shrink"\)/,
    );
    const size = await runInProcess(["cache", "prune", "--max-size", "lots"], temp.dir);
    expect(size.code).toBe(2);
    expect(size.err).toContain(
      `--max-size takes a size such as 500MB, 2GB or 1048576 (bytes), got "lots"`,
    );
  });
});
