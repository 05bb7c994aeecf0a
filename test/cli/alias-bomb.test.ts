import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/evalgate.js";
import { change, type TempConfig, VALID_FILES, writeTempConfig } from "../config/temp-config.js";
import { collectingIO } from "../support/cli-io.js";
import { spawnCli } from "./run-test-support.js";

/**
 * A "billion laughs" alias bomb: each line expands the previous one ten times. The constructor
 * sizes every expansion before copying it, so the fourth line's eighth alias (10108 copied
 * values, over the limit of 10000) is where every config file stops.
 */
function bomb(indent: string): string {
  const lines = [`${indent}l1: &a [x, x, x, x, x, x, x, x, x, x]`];
  for (const [name, prev] of [
    ["b", "a"],
    ["c", "b"],
    ["d", "c"],
    ["e", "d"],
  ] as const) {
    lines.push(
      `${indent}l${lines.length + 1}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Column of the eighth `*c` on the bomb's fourth line. */
function bombColumn(indent: string): number {
  const line = bomb(indent).split("\n")[3]!;
  let at = -1;
  for (let i = 0; i < 8; i++) at = line.indexOf("*c", at + 1);
  return at + 1;
}

const MESSAGE =
  "too many aliases: expanding *c here brings the values copied from aliases to 10108 (the limit is 10000; nested aliases multiply), remove the alias expansion or write the values out";

let temp: TempConfig | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

describe("a YAML alias bomb is a located configuration error (exit 2)", () => {
  it.each(["evalgate.yaml", "models.yaml", "features.yaml", "evaluators/quality.yaml"])(
    "in %s",
    async (file) => {
      const before = VALID_FILES[file]!;
      temp = await writeTempConfig({ [file]: `${before}${bomb("")}` });
      const run = collectingIO(temp.dir);
      expect(await main(["validate", "--config", "evalgate.yaml"], run.io)).toBe(2);
      const line = before.split("\n").length - 1 + 4;
      expect(run.err()).toContain(`${temp.path(file)}:${line}:${bombColumn("")}: ${MESSAGE}`);
      expect(run.err()).not.toMatch(/internal error|a bug/);
    },
  );

  it("in a prompt definition (read as YAML 1.1)", async () => {
    const file = "prompts/chat/explain_code/base/1.0.0.yml";
    temp = await writeTempConfig({ [file]: `${VALID_FILES[file]}${bomb("")}` });
    const run = collectingIO(temp.dir);
    expect(await main(["validate", "--config", "evalgate.yaml"], run.io)).toBe(2);
    expect(run.err()).toContain(`${temp.path(file)}:9:${bombColumn("")}: ${MESSAGE}`);
  });

  it("in a YAML dataset", async () => {
    temp = await writeTempConfig({
      ...change("features.yaml", "dataset: data/explain.jsonl", "dataset: data/explain.yaml"),
      "data/explain.yaml": `- inputs:\n    code: print(1)\n${bomb("    ")}  outputs: {output: prints 1}\n`,
    });
    const run = collectingIO(temp.dir);
    expect(await main(["validate", "--config", "evalgate.yaml"], run.io)).toBe(2);
    expect(run.err()).toContain(
      `${temp.path("data/explain.yaml")}:6:${bombColumn("    ")}: ${MESSAGE}`,
    );
  });

  it("in a simulator profile, from a spawned evalgate", async () => {
    temp = await writeTempConfig({ "profile.yaml": `models: {}\n${bomb("")}` });
    const cli = spawnCli(["simulate", "--profile", "profile.yaml", "--port", "0"], temp.dir);
    const { code } = await cli.exited;
    expect(code).toBe(2);
    expect(cli.output().err).toContain(
      `${temp.path("profile.yaml")}:5:${bombColumn("")}: ${MESSAGE}`,
    );
  });
});
