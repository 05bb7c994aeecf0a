/**
 * ci/gitlab-ci.yml, run the way GitLab runs it: each job's script lines in one bash session
 * with `set -eo pipefail`, in a fresh copy of the project, with the job's cache restored and
 * the shards' artifacts handed to the merge job. `npx evalgate` becomes the built CLI and
 * EVALGATE_RUN_ARGS adds `--simulate`; the GitLab API is a local stand-in. Four shards
 * (CI_NODE_INDEX 1..4 of CI_NODE_TOTAL 4) each exit 0, the merge job exits with the same
 * code and verdicts as an unsharded run, and the MR note is created once, then updated by a
 * second pipeline.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MR_NOTE_MARKER } from "../../src/cli/gitlab-notes.js";
import {
  CLI,
  cleanEnv,
  ROOT,
  readManifest,
  readRecords,
  type TempDir,
  tempDir,
} from "../cli/run-test-support.js";
import { type GitLabStandIn, startGitLabStandIn } from "../support/gitlab-stand-in.js";
import { readmeBlocks } from "../support/readme-blocks.js";

interface Job {
  stage: string;
  parallel?: number;
  needs?: string[];
  rules: { if: string; changes: string[]; when?: string }[];
  cache?: { key: string; fallback_keys?: string[]; paths: string[] };
  script: string[];
  artifacts: {
    when: string;
    expose_as?: string;
    paths: string[];
    reports?: Record<string, string>;
  };
}

const PIPELINE_FILE = join(ROOT, "ci", "gitlab-ci.yml");
const pipeline = parse(readFileSync(PIPELINE_FILE, "utf8")) as Record<string, unknown> & {
  variables: Record<string, string>;
  default: { image: string };
};
const shardJob = pipeline["evalgate:shard"] as Job;
const mergeJob = pipeline["evalgate:merge"] as Job;
/** Lines the test does not run: installing and building are what `CLI` already is. */
const SETUP_LINES = ["npm ci", "npm run build"];
const TOKEN = "glpat-pipeline-test";

let temp: TempDir;
let gitlab: GitLabStandIn;

function expand(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\{?(\w+)\}?/g, (_, name: string) => env[name] ?? "");
}

interface JobRun {
  code: number;
  out: string;
  err: string;
  dir: string;
}

/**
 * One job: a fresh checkout, the cache restored from `cacheStore`, artifacts of `needs`
 * unpacked; then the cache saved back and the artifacts kept, as GitLab does.
 */
async function runJob(
  job: Job,
  name: string,
  env: NodeJS.ProcessEnv,
  inputs: string[],
): Promise<JobRun> {
  const dir = temp.path("jobs", name);
  cpSync(temp.path("project"), dir, { recursive: true });
  const cacheStore = temp.path("cache-store");
  if (existsSync(cacheStore)) cpSync(cacheStore, join(dir, ".evalgate-cache"), { recursive: true });
  for (const rel of inputs)
    cpSync(temp.path("artifacts", rel), join(dir, rel), { recursive: true });
  const lines = job.script.filter((line) => !SETUP_LINES.includes(line));
  expect(job.script.filter((line) => SETUP_LINES.includes(line))).toEqual(SETUP_LINES);
  const script = lines.map((line) => line.replaceAll("npx evalgate", `node ${CLI}`)).join("\n");
  // Asynchronously: the GitLab stand-in answers from this process's event loop.
  const child = spawn("bash", ["-eo", "pipefail", "-c", script], { cwd: dir, env });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const code = await new Promise<number>((done) => child.on("close", (c) => done(c ?? -1)));
  for (const path of job.cache?.paths ?? []) {
    if (existsSync(join(dir, path))) cpSync(join(dir, path), cacheStore, { recursive: true });
  }
  for (const path of job.artifacts.paths) {
    const rel = expand(path, env);
    if (existsSync(join(dir, rel))) {
      cpSync(join(dir, rel), temp.path("artifacts", rel), { recursive: true });
    }
  }
  return { code, out, err, dir };
}

function ciEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return cleanEnv({
    ...pipeline.variables,
    EVALGATE_RUN_ARGS: "--simulate",
    CI: "true",
    CI_PIPELINE_SOURCE: "merge_request_event",
    CI_COMMIT_REF_SLUG: "prompt-change",
    CI_API_V4_URL: gitlab.apiUrl,
    CI_PROJECT_ID: "42",
    CI_MERGE_REQUEST_IID: "3",
    EVALGATE_GITLAB_TOKEN: TOKEN,
    ...extra,
  });
}

async function runPipeline(id: number) {
  const total = shardJob.parallel as number;
  // Concurrently, as GitLab runs a parallel: job's instances.
  const shards: JobRun[] = await Promise.all(
    Array.from({ length: total }, (_, i) =>
      runJob(
        shardJob,
        `p${id}-shard-${i + 1}`,
        ciEnv({ CI_NODE_INDEX: String(i + 1), CI_NODE_TOTAL: String(total) }),
        [],
      ),
    ),
  );
  const artifacts = shards.map((_, i) => join("reports", `shard-${i + 1}`));
  const merge = await runJob(mergeJob, `p${id}-merge`, ciEnv({}), artifacts);
  return { shards, merge };
}

let unsharded: { code: number; dir: string };
type PipelineRun = Awaited<ReturnType<typeof runPipeline>>;
let first: PipelineRun;
let second: PipelineRun;

beforeAll(async () => {
  temp = await tempDir("evalgate-pipeline-");
  // The project: the bundled config, datasets and rubrics; the simulator without latency.
  for (const part of ["config", "datasets", "evaluators"]) {
    cpSync(join(ROOT, part), temp.path("project", part), { recursive: true });
  }
  const entry = temp.path("project", "config", "evalgate.yaml");
  const entryText = readFileSync(entry, "utf8");
  expect(entryText).toContain("    limit: 25 ");
  writeFileSync(entry, entryText.replace("    limit: 25 ", "    limit: 8 "));
  const profile = temp.path("project", "config", "simulator-profile.yaml");
  writeFileSync(
    profile,
    readFileSync(profile, "utf8").replace(/(latency_ms|jitter_ms): \d+/g, "$1: 0"),
  );
  gitlab = await startGitLabStandIn({
    projects: { "42": { path: "group/app", mergeRequests: { 3: ["looks good"] } } },
    tokens: { [TOKEN]: { scopes: ["api"], role: "reporter" } },
  });
  const suite = pipeline.variables["EVALGATE_SUITE"] as string;
  const full = spawnSync(
    process.execPath,
    [CLI, "run", "--suite", suite, "--simulate", "--no-cache", "--quiet", "--out", "full"],
    { cwd: temp.path("project"), env: cleanEnv(), encoding: "utf8" },
  );
  unsharded = { code: full.status ?? -1, dir: temp.path("project", "full") };
  first = await runPipeline(1);
  second = await runPipeline(2);
}, 240_000);
afterAll(async () => {
  await gitlab?.close();
  await temp?.cleanup();
});

describe("ci/gitlab-ci.yml", () => {
  it("runs only in merge-request pipelines that change prompts, datasets or rubrics", () => {
    expect(pipeline.default.image).toBe("node:22");
    for (const job of [shardJob, mergeJob]) {
      expect(job.rules).toHaveLength(1);
      expect(job.rules[0]!.if).toBe('$CI_PIPELINE_SOURCE == "merge_request_event"');
      expect(job.rules[0]!.changes).toEqual([
        "config/**/*",
        "datasets/**/*",
        "evaluators/**/*",
        "ci/gitlab-ci.yml",
      ]);
    }
    // The merge job also runs when a shard failed, so the note says what happened.
    expect(mergeJob.rules[0]!.when).toBe("always");
    // Each glob names a folder that holds what it says (prompts live under config/).
    expect(existsSync(join(ROOT, "config", "prompts"))).toBe(true);
    expect(existsSync(join(ROOT, "datasets"))).toBe(true);
    expect(existsSync(join(ROOT, "evaluators"))).toBe(true);
  });

  it("shards four ways with a shared cache and hands the folders to the merge", () => {
    expect(shardJob.parallel).toBe(4);
    expect(shardJob.cache).toEqual({
      key: "evalgate-$CI_COMMIT_REF_SLUG",
      fallback_keys: ["evalgate-$CI_DEFAULT_BRANCH"],
      paths: [".evalgate-cache/"],
    });
    expect(shardJob.script).toContain(
      'npx evalgate run --suite "$EVALGATE_SUITE" --shard ci --out reports/shard-$CI_NODE_INDEX --quiet $EVALGATE_RUN_ARGS',
    );
    expect(shardJob.artifacts).toEqual({
      when: "always",
      expire_in: "2 weeks",
      paths: ["reports/shard-$CI_NODE_INDEX/"],
    });
    expect(mergeJob.needs).toEqual(["evalgate:shard"]);
    expect(mergeJob.artifacts.expose_as).toBe("evalgate report");
    expect(mergeJob.artifacts.paths).toEqual(["reports/merged/report.html", "reports/merged/"]);
    expect(mergeJob.artifacts.reports).toEqual({
      junit: "reports/merged/junit.xml",
      metrics: "reports/merged/metrics.txt",
      codequality: "reports/merged/gl-code-quality-report.json",
    });
  });

  it("every shard exits 0; the merge exits like the unsharded run, with its verdicts", async () => {
    // The bundled `gated` suite has red pairs on the simulator: the gate must fail (1).
    expect(unsharded.code).toBe(1);
    for (const run of [first, second]) {
      expect(run.shards.map((s) => s.code)).toEqual([0, 0, 0, 0]);
      expect(run.merge.out).toContain("merged 4 folder(s)");
      expect(run.merge.code).toBe(unsharded.code);
    }
    const verdicts = async (dir: string) =>
      // biome-ignore lint/suspicious/noExplicitAny: run.json's documented summary fields
      (await readManifest(dir)).summary.matrix.map((e: any) => [
        e.feature,
        e.model,
        e.verdict,
        e.passed,
        e.scored,
      ]);
    const merged = join(first.merge.dir, "reports", "merged");
    expect(await verdicts(merged)).toEqual(await verdicts(unsharded.dir));
    expect(existsSync(join(merged, "summary.md"))).toBe(true);
    // Every cell of the merged run, exactly once; the cache the shards wrote was saved for
    // the next pipeline (whether its entries hit across runs is the cache's own test).
    expect(
      readRecords(merged)
        .map((r) => r.cellId)
        .sort(),
    ).toEqual(
      readRecords(unsharded.dir)
        .map((r) => r.cellId)
        .sort(),
    );
    expect(readdirSync(temp.path("cache-store")).length).toBeGreaterThan(0);
  });

  it("posts the MR note once, then updates it on the next pipeline", () => {
    const marked = gitlab.notes("42", 3).filter((n) => n.body.includes(MR_NOTE_MARKER));
    expect(marked).toHaveLength(1);
    expect(gitlab.notes("42", 3)).toHaveLength(2);
    expect(gitlab.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(gitlab.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
    expect(first.merge.out).toContain(`created the evalgate note (id ${marked[0]!.id})`);
    expect(second.merge.out).toContain(`updated the evalgate note (id ${marked[0]!.id})`);
    const summary = readFileSync(join(second.merge.dir, "reports", "merged", "summary.md"), "utf8");
    expect(marked[0]!.body).toContain(summary.replace(`${MR_NOTE_MARKER}\n`, ""));
  });

  it("is the file the README's snippet includes", async () => {
    const blocks = await readmeBlocks("#### In a GitLab merge-request pipeline");
    expect(parse(blocks[0]!)).toEqual({ include: [{ local: "ci/gitlab-ci.yml" }] });
  });
});
