/**
 * Every YAML example in the README that is (part of) a models.yaml or an evalgate.yaml is
 * put into a configuration and checked with `evalgate validate`, so an example that does not
 * validate fails here. Other YAML blocks are listed by kind below, each checked where named,
 * so a new block cannot go unchecked without this test saying so.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { main } from "../../src/cli/evalgate.js";
import { collectingIO } from "../support/cli-io.js";
import { allReadmeBlocks, type ReadmeBlock } from "../support/readme-blocks.js";
import { VALID_FILES, writeTempConfig } from "./temp-config.js";

const BUNDLED = join(import.meta.dirname, "..", "..", "config");

type Kind = "models" | "entry" | "elsewhere";

/** Blocks that are not models.yaml or evalgate.yaml content, and the test that checks each. */
const CHECKED_ELSEWHERE: [RegExp, string][] = [
  [
    /^include:\n {2}- local: evalgate\/gitlab-ci\.yml/,
    "test/cli/init.test.ts (the written .gitlab-ci.yml)",
  ],
  [/^evalgate:\n {2}parallel:/, "a GitLab CI job, not evalgate configuration"],
  [/^name: Ask\n/, "test/prompts/prompts-render-output.test.ts"],
  [/^# yaml-language-server: \$schema=schemas\/models\.schema\.json\n$/, "an editor comment line"],
  [/^# features\.yaml\n/, "test/catalog/feature-metadata.test.ts"],
  [/^name: code_correctness\n/, "test/judges/readme-evaluator.test.ts"],
  [/^include:\n {2}- local: ci\/gitlab-ci\.yml/, "test/ci/gitlab-pipeline.test.ts"],
  [/^name: answer_quality\n/, "test/cli/readme-calibrate.test.ts"],
];

function kindOf(block: ReadmeBlock): Kind {
  if (CHECKED_ELSEWHERE.some(([pattern]) => pattern.test(block.text))) return "elsewhere";
  const body = block.text.replace(/^(\s*#.*\n)+/, "");
  if (/^(models|families):/m.test(body) || /^ {2}- name:/.test(body)) return "models";
  if (/^(suites|gateway|gateway_version|judge|default_suite):/m.test(body)) return "entry";
  throw new Error(
    `README line ${block.line} (${block.heading}): a YAML block this test does not know; validate it here or list where it is checked in CHECKED_ELSEWHERE`,
  );
}

/** The test config's own models, after the README's, so its suite and judge still exist. */
const VALID_MODELS = VALID_FILES["models.yaml"]!.replace(/^models:\n/, "");

async function validateModelsBlock(block: ReadmeBlock) {
  const text =
    /^ {2}- name:/m.test(block.text) && !/^models:/m.test(block.text)
      ? `models:\n${block.text}`
      : block.text;
  const names = ((parse(text) as { models?: { name: string }[] }).models ?? []).map((m) => m.name);
  const models = `${text}${/^models:/m.test(text) ? "" : "models:\n"}${VALID_MODELS}`;
  const entry = VALID_FILES["evalgate.yaml"]!.replace(
    "models: [mistral-local, mixtral-local]",
    `models: [${[...names, "mistral-local"].join(", ")}]\n    allow_incompatible: true`,
  );
  const config = await writeTempConfig({ "models.yaml": models, "evalgate.yaml": entry });
  try {
    return await runValidate(config.dir);
  } finally {
    await config.cleanup();
  }
}

/** An evalgate.yaml fragment, merged over the bundled demo's entry file it refers to. */
async function validateEntryBlock(block: ReadmeBlock) {
  const bundled = parse(await readFile(join(BUNDLED, "evalgate.yaml"), "utf8")) as Record<
    string,
    unknown
  >;
  const fragment = parse(block.text) as Record<string, unknown>;
  const entry: Record<string, unknown> = {
    ...bundled,
    ...fragment,
    suites: { ...(bundled.suites as object), ...((fragment.suites as object) ?? {}) },
  };
  for (const key of ["models", "features", "definitions", "evaluators"])
    entry[key] = join(BUNDLED, String(bundled[key]));
  const dir = await mkdtemp(join(tmpdir(), "evalgate-readme-entry-"));
  try {
    await writeFile(join(dir, "evalgate.yaml"), stringify(entry));
    return await runValidate(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runValidate(dir: string) {
  const io = collectingIO(dir);
  const code = await main(["validate"], io.io);
  return { code, out: io.out(), err: io.err() };
}

describe("the README's YAML examples validate", async () => {
  const blocks = (await allReadmeBlocks()).filter((b) => b.language === "yaml");

  it("are all known to this test", () => {
    const kinds = blocks.map(kindOf);
    expect(kinds.filter((k) => k === "models").length).toBeGreaterThanOrEqual(5);
    expect(kinds.filter((k) => k === "entry").length).toBeGreaterThanOrEqual(2);
  });

  for (const block of blocks) {
    const kind = kindOf(block);
    if (kind === "elsewhere") continue;
    it(`README line ${block.line} (${block.heading}) as ${kind === "models" ? "models.yaml" : "evalgate.yaml"}`, async () => {
      const result =
        kind === "models" ? await validateModelsBlock(block) : await validateEntryBlock(block);
      expect(result.err).toBe("");
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/\nvalid: \d+ feature × model pair\(s\)/);
    });
  }
});
