/** The README's command synopses are the commands' own usage text, so they cannot drift. */
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/commands/index.js";
import { readmeBlocks } from "../support/readme-blocks.js";

describe("README command synopses", () => {
  for (const name of ["run", "report", "cache", "retry-errors"]) {
    it(`### \`evalgate ${name}\` shows \`evalgate ${name} --help\`'s synopsis`, async () => {
      const command = commands.find((c) => c.name === name)!;
      const [synopsis] = await readmeBlocks(`### \`evalgate ${name}\``);
      expect(synopsis).toBe(`${command.usage.split("\n\n")[0]}\n`);
    });
  }
});
