/**
 * Ctrl-C once every planned cell has started: the grace period and cancellation still apply.
 * Before, the run loop stopped listening once it had nothing left to start, so a run whose
 * calls took 25 s ignored Ctrl-C, waited for them and exited 0.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  BUNDLED_CONFIG,
  readManifest,
  STACK_FRAME,
  spawnCli,
  type TempDir,
  tempDir,
  writeText,
} from "./run-test-support.js";

let temp: TempDir;
afterEach(async () => {
  await temp?.cleanup();
});

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("Ctrl-C after every planned cell has started", () => {
  it("stops after the 10 s grace period with exit 3, not when the 25 s calls end", {
    timeout: 60_000,
  }, async () => {
    temp = await tempDir();
    const profile = await writeText(
      temp.path("slow.yaml"),
      "defaults: { latency_ms: 25000, jitter_ms: 0 }\n",
    );
    const cli = spawnCli(
      [
        "run",
        "--config",
        BUNDLED_CONFIG,
        "--simulate-profile",
        profile,
        "--features",
        "code_generations",
        "--models",
        "mistral-7b-vllm",
        "--limit",
        "1",
        "--no-cache",
        "--out",
        "slow",
      ],
      temp.dir,
    );
    // The one cell has started once the banner is out and its call is in flight.
    expect(await waitFor(() => cli.output().err.includes("output: slow"), 20_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    const t0 = Date.now();
    cli.child.kill("SIGINT");
    const { code } = await cli.exited;
    const seconds = (Date.now() - t0) / 1000;
    const { err } = cli.output();
    expect(code).toBe(3);
    expect(seconds).toBeGreaterThan(9); // the grace period applied
    expect(seconds).toBeLessThan(18); // and then the call was cancelled, 14 s before it ended
    expect(err).toContain("stopping: no new cells; waiting for in-flight ones");
    expect(err).toContain(
      "evalgate run: the run is incomplete (interrupted); finish it with: evalgate run --resume slow\n",
    );
    expect(err).not.toMatch(STACK_FRAME);
    expect((await readManifest(temp.path("slow"))).complete).toBe(false);
  });
});
