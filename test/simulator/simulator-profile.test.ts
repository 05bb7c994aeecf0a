import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { loadSimulatorProfile, startSimulator } from "../../src/simulator/index.js";

const dir = mkdtempSync(join(tmpdir(), "evalgate-sim-profile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("simulator profiles", () => {
  it("loads the shipped demo profile with judges and a spread of qualities", async () => {
    const profile = await loadSimulatorProfile(
      join(import.meta.dirname, "../../config/simulator-profile.yaml"),
    );
    const models = profile.models!;
    expect(models["claude-3-5-sonnet-judge"]!.role).toBe("judge");
    const q = (name: string, feature: string) => {
      const quality = models[name]!.quality!;
      return typeof quality === "number" ? quality : (quality[feature] ?? quality["default"]!);
    };
    expect(q("claude-3-5-sonnet", "code_generations")).toBeGreaterThanOrEqual(0.85);
    expect(q("mistral-7b-vllm", "code_generations")).toBeLessThan(0.75);
    expect(q("codestral-22b-vllm", "code_generations")).toBeGreaterThan(
      q("codestral-22b-vllm", "duo_chat_documentation"),
    );
  });

  it("reports unknown keys and bad values at file:line:column", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "models:\n  m:\n    quality: 0.5\n    latncy_ms: 10\n");
    const error = await loadSimulatorProfile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(`${file}:4:5`);
    expect((error as Error).message).toContain("latncy_ms");
    writeFileSync(file, "models:\n  m:\n    faults: { rate_429: 1.5 }\n");
    await expect(loadSimulatorProfile(file)).rejects.toThrow(/bad\.yaml:3/);
  });

  it("validates profiles given in code", async () => {
    await expect(
      startSimulator({ profile: { models: { m: { quality: 2 } } } }),
    ).rejects.toBeInstanceOf(UserError);
  });
});
