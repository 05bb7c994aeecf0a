import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/evalgate.js";
import { type TempConfig, writeTempConfig } from "../config/temp-config.js";
import { collectingIO } from "../support/cli-io.js";

let config: TempConfig | undefined;
afterEach(async () => {
  await config?.cleanup();
  config = undefined;
});

describe("mistakes found before the first call leave no run folder behind", () => {
  it("a missing key variable exits 2 naming it, and neither --out nor reports/ is created", async () => {
    config = await writeTempConfig();
    const env = { AWS_EC2_METADATA_DISABLED: "true" };
    for (const out of [["--out", config.path("out/run1")], []]) {
      const io = collectingIO(config.dir, env);
      expect(await main(["run", "--quiet", ...out], io.io)).toBe(2);
      expect(io.err()).toContain(
        'Model "mistral-local" (models.yaml) reads its key from the environment variable VLLM_API_KEY (api_key_env: VLLM_API_KEY), but VLLM_API_KEY is not set.',
      );
    }
    expect(existsSync(config.path("out"))).toBe(false);
    expect(existsSync(config.path("reports"))).toBe(false);
  });

  it("a bad simulator profile exits 2 at its line, and no run folder is created", async () => {
    config = await writeTempConfig();
    const profile = config.path("bad-profile.yaml");
    await writeFile(profile, "defaults:\n  qualityy: 0.9\n");
    const io = collectingIO(config.dir, {});
    const out = config.path("out/run1");
    expect(await main(["run", "--quiet", "--simulate-profile", profile, "--out", out], io.io)).toBe(
      2,
    );
    expect(io.err()).toContain(`${profile}:2:3: defaults: unknown key "qualityy"`);
    expect(existsSync(config.path("out"))).toBe(false);
  });
});
