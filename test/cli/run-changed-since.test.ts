/**
 * `evalgate run --changed-since REF` in a temp git repository holding a copy of the bundled
 * config, datasets and rubrics: only the features whose prompt definitions (any family or
 * version), partials (through `{% include %}`, a computed include counting its whole folder),
 * dataset or evaluator changed are evaluated, each with the files that put it in; nothing
 * changed → exit 0 and reports with no rows; a bad ref → exit 2 with git's message.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanEnv,
  ROOT,
  readManifest,
  readRecords,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
} from "./run-test-support.js";

let temp: TempDir;
let repo: string;
const outDir = (name: string) => temp.path("out", name);
const inRepo = (file: string) => join(repo, file);
const git = (...args: string[]) =>
  execFileSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    env: cleanEnv({
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    }),
  });

async function run(ref: string, out: string) {
  const r = await runInProcess(
    [
      "run",
      "--suite",
      "demo",
      "--features",
      "code_generations,duo_chat_explain_code,generate_commit_message",
      "--models",
      "claude-3-5-sonnet",
      "--limit",
      "2",
      "--simulate",
      "--no-cache",
      "--quiet",
      "--changed-since",
      ref,
      "--out",
      outDir(out),
    ],
    repo,
  );
  expect(r.err).not.toMatch(STACK_FRAME);
  return r;
}

const features = (out: string) =>
  [...new Set(readRecords(outDir(out)).map((r) => r.cellId.split("/")[0]))].sort();

beforeAll(async () => {
  temp = await tempDir("evalgate-changed-");
  // The repository is a folder inside the temp dir, so run folders can sit outside it.
  repo = temp.path("repo");
  for (const part of ["config", "datasets", "evaluators"]) {
    cpSync(join(ROOT, part), join(repo, part), { recursive: true });
  }
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "base");
  git("checkout", "-qb", "change");
}, 30_000);
afterAll(async () => {
  await temp?.cleanup();
});

describe("evalgate run --changed-since", () => {
  it("evaluates nothing when nothing changed, and says so", async () => {
    const r = await run("main", "none");
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      'evalgate run: --changed-since main: 0 changed file(s), 0 feature(s) to evaluate\n  unchanged, not evaluated: code_generations, duo_chat_explain_code, generate_commit_message\nevalgate run: nothing to evaluate: no prompt, partial, dataset or evaluator of suite "demo" changed since main\n',
    );
    expect(readRecords(outDir("none"))).toEqual([]);
    expect((await readManifest(outDir("none"))).pairs).toEqual([]);
  });

  it("follows a partial through includes to every feature that reads it", async () => {
    appendFileSync(inRepo("config/prompts/shared/code_block.jinja"), "\n");
    git("commit", "-qam", "code block");
    const r = await run("main", "partial");
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      "evalgate run: --changed-since main: 1 changed file(s), 2 feature(s) to evaluate\n" +
        "  code_generations ← config/prompts/shared/code_block.jinja (partial of code_suggestions/generations, included by code_suggestions/_partials/cursor_context.jinja)\n" +
        "  duo_chat_explain_code ← config/prompts/shared/code_block.jinja (partial of chat/explain_code, included by chat/_partials/selected_code.jinja)\n" +
        "  unchanged, not evaluated: generate_commit_message\n",
    );
    expect(features("partial")).toEqual(["code_generations", "duo_chat_explain_code"]);
  });

  it("counts any family's definition, a computed include's folder, uncommitted datasets and rubrics", async () => {
    git("checkout", "-q", "main");
    git("checkout", "-qb", "second");
    // A family the run's model does not use (mistral) still counts: all families/versions do.
    appendFileSync(inRepo("config/prompts/chat/explain_code/mistral/1.0.0.yml"), "\n");
    // Any file under the folder a computed include loads from, even a new one.
    writeFileSync(inRepo("config/prompts/code_suggestions/_languages/kotlin.jinja"), "Kotlin\n");
    git("add", "-A");
    git("commit", "-qm", "prompts");
    // Uncommitted: a dataset and a rubric.
    appendFileSync(
      inRepo("datasets/generate_commit_message.jsonl"),
      `${JSON.stringify({ inputs: { diff: "+x" }, outputs: { output: "Add x" } })}\n`,
    );
    appendFileSync(inRepo("evaluators/explanation_quality.yaml"), "\n");
    const r = await run("main", "mixed");
    expect(r.code).toBe(0);
    expect(r.err.split("\n")).toEqual([
      "evalgate run: --changed-since main: 4 changed file(s), 3 feature(s) to evaluate",
      "  code_generations ← config/prompts/code_suggestions/_languages/kotlin.jinja (under config/prompts/code_suggestions/_languages/, which a computed include of code_suggestions/generations can load)",
      "  duo_chat_explain_code ← config/prompts/chat/explain_code/mistral/1.0.0.yml (prompt definition of chat/explain_code)",
      "  duo_chat_explain_code ← evaluators/explanation_quality.yaml (evaluator explanation_quality)",
      "  generate_commit_message ← datasets/generate_commit_message.jsonl (dataset)",
      "  note: config/prompts/code_suggestions/_languages/ counts whole: a computed include in code_suggestions/_partials/generation_rules.jinja can load any file under it",
      "",
    ]);
    expect(features("mixed")).toEqual([
      "code_generations",
      "duo_chat_explain_code",
      "generate_commit_message",
    ]);
    git("checkout", "-q", "--", ".");
  });

  it("counts a change to the features file for every feature", async () => {
    appendFileSync(inRepo("config/features.yaml"), "\n");
    const r = await run("HEAD", "shared");
    git("checkout", "-q", "--", ".");
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      "evalgate run: --changed-since HEAD: 1 changed file(s), 3 feature(s) to evaluate\n" +
        "  code_generations ← config/features.yaml (configuration every feature reads)\n" +
        "  duo_chat_explain_code ← config/features.yaml (configuration every feature reads)\n" +
        "  generate_commit_message ← config/features.yaml (configuration every feature reads)\n",
    );
  });

  it("refuses a ref git does not know, with git's message", async () => {
    const r = await run("no-such-branch", "bad");
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `evalgate run: --changed-since no-such-branch: git knows no commit "no-such-branch" in ${repo} (fatal: Needed a single revision); name a branch, tag or commit. In a GitLab merge-request pipeline, fetch the target branch first (GIT_DEPTH: 0, or git fetch origin $CI_MERGE_REQUEST_TARGET_BRANCH_NAME)\n`,
    );
  });
});
