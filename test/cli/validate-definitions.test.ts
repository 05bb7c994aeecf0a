import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/evalgate.js";
import { FIXTURE_DEFINITIONS } from "../fixtures/gateway/gateway-comparison.js";
import { collectingIO } from "../support/cli-io.js";

const at = (file: string, line: number) => `${join(FIXTURE_DEFINITIONS, "parity", file)}:${line}`;

let work: string | undefined;
afterEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  work = undefined;
});

/** A tree with only definitions that load and pass the static checks. */
async function cleanTree(): Promise<string> {
  work = await mkdtemp(join(tmpdir(), "evalgate-defs-"));
  for (const part of ["parity/basic", "parity/includes", "parity/partials", "common"])
    await cp(join(FIXTURE_DEFINITIONS, part), join(work, part), { recursive: true });
  return work;
}

describe("evalgate validate --definitions DIR", () => {
  it("lists every problem of a whole tree at once, located, and exits 2 (no config needed)", async () => {
    const run = collectingIO(tmpdir());
    expect(await main(["validate", "--definitions", FIXTURE_DEFINITIONS], run.io)).toBe(2);
    expect(run.out()).toMatch(
      /^checked 21 definition file\(s\) and \d+ included template\(s\) in \d+\.\d\d s: \d+ do not load$/m,
    );
    const err = run.err();
    expect(err).toMatch(/^evalgate validate: \d+ problem\(s\) found:$/m);
    for (const line of [
      `${at("unknown_key/base/1.0.0.yml", 3)}:1: (top level): unknown key "temperature" (check the spelling; unknown keys are not allowed)`,
      `${at("broken_syntax/base/1.0.0.yml", 7)}: prompt_template.user: template syntax error (template line 2): Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.`,
      `${at("missing_include/base/1.0.0.yml", 5)}: prompt_template.user: includes "parity/partials/no_such_partial.jinja", which does not exist under ${FIXTURE_DEFINITIONS}`,
      `${at("refuse_multiply/base/1.0.0.yml", 6)}: prompt_template.user: template line 2: \`*\` or \`**\`: the gateway's sandbox refuses multiplication operators; the gateway refuses to render it`,
      `${at("refuse_power/base/1.0.0.yml", 4)}: prompt_template.user: template line 1: \`*\` or \`**\`: the gateway's sandbox refuses multiplication operators; the gateway refuses to render it`,
      `${at("refuse_call/base/1.0.0.yml", 7)}: prompt_template.user: template line 2: a call: the gateway's sandbox refuses every call (methods, range(), namespace(), loop.cycle()); the gateway refuses to render it`,
      `${at("refuse_range/base/1.0.0.yml", 5)}: prompt_template.user: template line 1: a call: the gateway's sandbox refuses every call (methods, range(), namespace(), loop.cycle()); the gateway refuses to render it`,
    ]) {
      expect(err).toContain(`  - ${line}\n`);
    }
    // Definitions with nothing wrong are not mentioned.
    expect(err).not.toContain("parity/basic/");
    expect(err).not.toContain("parity/loops/");
  });

  it("passes a clean tree and says how much it checked", async () => {
    const dir = await cleanTree();
    const run = collectingIO(dir);
    expect(await main(["validate", "--definitions", "."], run.io)).toBe(0);
    expect(run.err()).toBe("");
    expect(run.out()).toMatch(
      new RegExp(
        `^definitions: ${dir}\nchecked 3 definition file\\(s\\) and 2 included template\\(s\\) in \\d+\\.\\d\\d s: 0 do not load\nvalid: 3 definition file\\(s\\)\n$`,
      ),
    );
  });

  it("reports a missing folder as a located user error", async () => {
    const run = collectingIO(tmpdir());
    expect(await main(["validate", "--definitions", "no-such-folder"], run.io)).toBe(2);
    expect(run.err()).toContain("no-such-folder: prompt definitions folder not found");
  });
});

describe("evalgate prompts list over a tree with broken definitions", () => {
  it("lists every prompt, then every definition that does not load, and exits 2", async () => {
    const run = collectingIO(tmpdir());
    expect(await main(["prompts", "list", "--definitions", FIXTURE_DEFINITIONS], run.io)).toBe(2);
    expect(run.out()).toMatch(/^parity\/unknown_key\s+base\s+1\.0\.0$/m);
    expect(run.out()).toMatch(/^parity\/basic\s+base\s+0\.9\.0, 1\.0\.0$/m);
    expect(run.out()).toMatch(/^\d+ of 21 definition file\(s\) do not load$/m);
    expect(run.err()).toContain(
      `  - ${at("unknown_key/base/1.0.0.yml", 3)}:1: (top level): unknown key "temperature"`,
    );
    // Loading is all `list` checks: template problems are validate's.
    expect(run.err()).not.toContain("refuse_call");
  });

  it("exits 0 on a tree whose definitions all load", async () => {
    const dir = await cleanTree();
    const run = collectingIO(dir);
    expect(await main(["prompts", "list", "--definitions", dir, "--json"], run.io)).toBe(0);
    const listed = JSON.parse(run.out()) as { prompt_id: string }[];
    expect(listed.map((p) => p.prompt_id)).toEqual(["parity/basic", "parity/includes"]);
  });
});
