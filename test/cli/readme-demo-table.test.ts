/**
 * The README's Quick start shows the verdict table `npm start` ends with. This runs the
 * bundled demo in full, as `npm start` does, with one change: the simulator profile's
 * latencies are set to zero (answers do not depend on them: every draw is seeded by what
 * the request is about), so the test takes seconds rather than a minute. The table must
 * equal the README's, row for row.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeBlocks } from "../support/readme-blocks.js";
import {
  BUNDLED_CONFIG,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  zeroLatencyProfile,
} from "./run-test-support.js";

const ROW = /^(code_generations|duo_chat_\w+|generate_commit_message)\s/;

let temp: TempDir;
let out = "";
let code = -1;
beforeAll(async () => {
  temp = await tempDir();
  const file = await zeroLatencyProfile(temp.path("profile.yaml"));
  const r = await runInProcess(
    ["run", "--config", BUNDLED_CONFIG, "--simulate-profile", file, "--no-cache", "--out", "demo"],
    temp.dir,
  );
  expect(r.err).not.toMatch(STACK_FRAME);
  out = r.out;
  code = r.code;
}, 180_000);
afterAll(async () => {
  await temp?.cleanup();
});

describe("README Quick start: the demo's verdict table", () => {
  it("is the table the full demo run prints", async () => {
    expect(code).toBe(0);
    const [block] = (await readmeBlocks("## Quick start")).filter((b) => b.startsWith("feature "));
    expect(block, "README Quick start has no verdict table").toBeDefined();
    const lines = (text: string) =>
      text.split("\n").filter((l) => ROW.test(l) || l.startsWith("feature "));
    const expected = lines(block!);
    expect(expected).toHaveLength(1 + 6 * 7);
    expect(lines(out)).toEqual(expected);
  });
});
