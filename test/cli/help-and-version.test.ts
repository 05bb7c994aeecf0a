/**
 * CLI conventions: `--version` prints package.json's version, `help <command>` is exactly
 * `<command> --help`, and every command's help describes every flag its synopsis names.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/commands/index.js";
import { ROOT, runInProcess } from "./run-test-support.js";

const version = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }
).version;

describe("evalgate --version and help", () => {
  it("--version, -V and version print the package version", async () => {
    for (const flag of ["--version", "-V", "version"]) {
      const r = await runInProcess([flag], ROOT);
      expect(r).toEqual({ code: 0, out: `${version}\n`, err: "" });
    }
  });

  it("the top-level help lists every command and --version", async () => {
    const r = await runInProcess(["--help"], ROOT);
    expect(r.code).toBe(0);
    expect(r.out).toContain("       evalgate --version\n");
    for (const c of commands) expect(r.out).toMatch(new RegExp(`^  ${c.name} +`, "m"));
    for (const c of commands) expect(r.out).toContain(` ${c.summary}\n`);
  });

  it("an unknown help topic is a usage error", async () => {
    const r = await runInProcess(["help", "frobnicate"], ROOT);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'evalgate help: unknown command "frobnicate". Run `evalgate --help` to see the commands.\n',
    );
  });

  for (const command of commands) {
    it(`help ${command.name} == ${command.name} --help, describing every flag of the synopsis`, async () => {
      const viaHelp = await runInProcess(["help", command.name], ROOT);
      const viaFlag = await runInProcess([command.name, "--help"], ROOT);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp).toEqual(viaFlag);
      const help = viaHelp.out;
      expect(help.startsWith(`usage: evalgate ${command.name}`)).toBe(true);
      const synopsis = command.usage.split("\n\n")[0]!;
      const flags = [...new Set(synopsis.match(/--[a-z][a-z-]*/g) ?? [])];
      expect(flags.length).toBeGreaterThan(0);
      const described = help.slice(synopsis.length);
      for (const flag of flags) {
        // A description line: the flag first (maybe after other text in its column), then words.
        expect(described, `${command.name} --help describes ${flag}`).toMatch(
          new RegExp(`^ {2}[^\\n]*${flag}\\b[^\\n]* {2,}\\S`, "m"),
        );
      }
    });
  }
});
