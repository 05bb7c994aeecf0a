/**
 * The README's `evalgate compare` section, run as written: its usage block is the command's,
 * and its demo commands print exactly the output shown, with the regression exit code.
 */
import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { compareCommand } from "../../src/cli/commands/compare.js";
import { readmeBlocks } from "../support/readme-blocks.js";
import { ROOT, runInProcess, type TempDir, tempDir } from "./run-test-support.js";

let temp: TempDir;
afterAll(async () => {
  await temp?.cleanup();
});

it("the README's compare example prints what the README shows and exits 1", async () => {
  const [synopsis, commands, output] = await readmeBlocks("### `evalgate compare`");
  expect(compareCommand.usage.startsWith(synopsis!.trimEnd())).toBe(true);
  temp = await tempDir();
  // The commands run from a checkout: config/, datasets/ and evaluators/ beside the outputs.
  for (const name of ["config", "datasets", "evaluators"]) {
    await symlink(join(ROOT, name), temp.path(name));
  }
  const lines = commands!.trim().split("\n");
  expect(lines).toHaveLength(3);
  const results = [];
  for (const line of lines) {
    expect(line.startsWith("npx evalgate ")).toBe(true);
    results.push(await runInProcess(line.slice("npx evalgate ".length).split(/\s+/), temp.dir));
  }
  expect(results.map((r) => r.code)).toEqual([0, 0, 1]);
  expect(results[2]!.out).toBe(output);
}, 60_000);
