/** Colour on a TTY only, off with NO_COLOR or CI; the table's layout is untouched by it. */
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/evalgate.js";
import { colourEnabled, paintVerdicts } from "../../src/cli/terminal-colour.js";
import { collectingIO } from "../support/cli-io.js";
import { BUNDLED_CONFIG, runInProcess, type TempDir, tempDir } from "./run-test-support.js";

describe("colour", () => {
  it("is on for a TTY, off for a pipe, with NO_COLOR, or in CI; FORCE_COLOR forces it", () => {
    expect(colourEnabled(true, {})).toBe(true);
    expect(colourEnabled(false, {})).toBe(false);
    expect(colourEnabled(true, { NO_COLOR: "1" })).toBe(false);
    expect(colourEnabled(true, { NO_COLOR: "" })).toBe(true);
    expect(colourEnabled(true, { CI: "true" })).toBe(false);
    expect(colourEnabled(true, { CI: "false" })).toBe(true);
    expect(colourEnabled(false, { FORCE_COLOR: "1" })).toBe(true);
    expect(colourEnabled(true, { FORCE_COLOR: "0", NO_COLOR: "1" })).toBe(false);
  });

  it("paints verdict words only, and stripping the codes gives the plain table back", () => {
    const table = "feature  model   verdict\ncode     red-ish green   \nchat     m       red\n";
    const painted = paintVerdicts(table);
    expect(painted).toBe(
      "feature  model   verdict\ncode     red-ish \x1b[32mgreen\x1b[0m   \nchat     m       \x1b[31mred\x1b[0m\n",
    );
    expect(painted.replace(/\x1b\[\d+m/g, "")).toBe(table);
  });

  it("report prints colour with io.colour and none without", async () => {
    const temp: TempDir = await tempDir();
    try {
      const argv = [
        "run",
        "--config",
        BUNDLED_CONFIG,
        "--simulate",
        "--features",
        "code_generations",
        "--models",
        "mistral-7b-vllm",
        "--limit",
        "1",
        "--no-cache",
        "--quiet",
        "--out",
        "r",
      ];
      expect((await runInProcess(argv, temp.dir)).code).toBe(0);
      const plain = collectingIO(temp.dir);
      await main(["report", "r"], plain.io);
      expect(plain.out()).not.toContain("\x1b[");
      const coloured = collectingIO(temp.dir);
      await main(["report", "r"], { ...coloured.io, colour: true });
      expect(coloured.out()).toContain("\x1b[2minsufficient\x1b[0m");
    } finally {
      await temp.cleanup();
    }
  });
});
