/**
 * Defects found by using evalgate as a hostile user would, each pinned by a test: a run
 * folder lock, control characters from data, `--limit 0x2`, merging a shard twice, a port
 * clash in `simulate`, `report` on an interrupted run, a moved project, an unwritable output
 * folder, and `retry-errors`.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  BUNDLED_CONFIG,
  CONFIG_DIR,
  ROOT,
  readRecords,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  vllmModel,
  writeRunConfig,
  writeText,
} from "./run-test-support.js";

let temp: TempDir;
afterEach(async () => {
  await temp?.cleanup();
});

async function run(argv: string[], cwd = temp.dir) {
  const r = await runInProcess(argv, cwd);
  expect(r.err).not.toMatch(STACK_FRAME);
  expect(r.err).not.toContain("internal error");
  return r;
}

/** A one-cell simulated run of the bundled demo into `out`. */
const tiny = (out: string, ...extra: string[]) => [
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
  out,
  ...extra,
];

describe("a lock on the run folder", () => {
  it("a second run --resume on a folder in use exits 2 naming the holder's pid and host", async () => {
    temp = await tempDir();
    expect((await run(tiny("r"))).code).toBe(0);
    const lock = temp.path("r", ".evalgate.lock");
    await writeFile(
      lock,
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }),
    );
    const r = await run(["run", "--resume", "r", "--no-cache", "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `evalgate run: ${temp.path("r")} is in use by evalgate pid ${process.pid} on ${hostname()} (since 2026-01-01T00:00:00.000Z); wait for it to finish, or, if that process is gone, delete ${lock}\n`,
    );
    expect(readRecords(temp.path("r"))).toHaveLength(1);
  });

  it("a lock whose process is gone is stale: the resume takes it over and releases it", async () => {
    temp = await tempDir();
    expect((await run(tiny("r"))).code).toBe(0);
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const lock = temp.path("r", ".evalgate.lock");
    await writeFile(
      lock,
      JSON.stringify({ pid: gone, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }),
    );
    const r = await run(["run", "--resume", "r", "--no-cache", "--quiet"]);
    expect(r.code).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(readRecords(temp.path("r"))).toHaveLength(1);
  });
});

/** A config whose code_generations feature reads `dataset` (the others: the bundled ones). */
async function configWithDataset(dataset: string): Promise<string> {
  const features = readFileSync(join(CONFIG_DIR, "features.yaml"), "utf8")
    .replace("dataset: ../datasets/code_generations.jsonl", `dataset: ${dataset}`)
    .replaceAll("dataset: ../datasets/", `dataset: ${join(ROOT, "datasets")}/`);
  await writeText(temp.path("features.yaml"), features);
  const entry = await writeRunConfig(temp.dir, {
    suites: "  s:\n    features: [code_generations]\n    models: [mistral-7b-vllm]\n",
  });
  await writeFile(
    entry,
    readFileSync(entry, "utf8").replace(
      join(CONFIG_DIR, "features.yaml"),
      temp.path("features.yaml"),
    ),
  );
  return entry;
}

describe("an empty dataset", () => {
  it("stops the run before it starts (exit 2) naming the file, not 'insufficient 0/0'", async () => {
    temp = await tempDir();
    const dataset = await writeText(temp.path("empty.jsonl"), "");
    const entry = await configWithDataset(dataset);
    const r = await run([
      "run",
      "--config",
      entry,
      "--simulate",
      "--no-cache",
      "--quiet",
      "--out",
      "o",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(
        `^evalgate run: 1 problem\\(s\\) found:\n {2}- ${temp.path("features.yaml")}:\\d+:\\d+: dataset ${dataset} of feature "code_generations" has no examples; add at least one `,
      ),
    );
    expect(existsSync(temp.path("o", "run.json"))).toBe(false);
  });
});

describe("data printed to the terminal", () => {
  it("an example id holding ESC[2J is printed escaped, never raw", async () => {
    temp = await tempDir();
    const id = "\u001b[2Jclear";
    await writeText(
      temp.path("data.jsonl"),
      `${JSON.stringify({ id, inputs: { instruction: "a" }, outputs: { output: "x" } })}\n${JSON.stringify({ id, inputs: { instruction: "b" }, outputs: { output: "y" } })}\n`,
    );
    const features = readFileSync(join(CONFIG_DIR, "features.yaml"), "utf8")
      .replace("dataset: ../datasets/code_generations.jsonl", `dataset: ${temp.path("data.jsonl")}`)
      .replaceAll("dataset: ../datasets/", `dataset: ${join(ROOT, "datasets")}/`);
    await writeText(temp.path("features.yaml"), features);
    const entry = await writeRunConfig(temp.dir, {
      suites: "  s:\n    features: [code_generations]\n    models: [mistral-7b-vllm]\n",
    });
    await writeFile(
      entry,
      readFileSync(entry, "utf8").replace(
        join(CONFIG_DIR, "features.yaml"),
        temp.path("features.yaml"),
      ),
    );
    const r = await run([
      "run",
      "--config",
      entry,
      "--simulate",
      "--no-cache",
      "--quiet",
      "--out",
      "o",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('duplicate id "\\x1b[2Jclear"');
    expect(r.err).not.toContain("\u001b");
  });

  it("an unknown command name is escaped too", async () => {
    temp = await tempDir();
    const r = await run(["\u001b[2J"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'evalgate: unknown command "\\x1b[2J". Run `evalgate --help` to see the commands.\n',
    );
  });
});

describe("arguments", () => {
  it("--limit 0x2 (and 1e1, +3, 2.0) is refused, not read as a number", async () => {
    temp = await tempDir();
    for (const bad of ["0x2", "1e1", "+3", "2.0", ""]) {
      const r = await run([
        "run",
        "--config",
        BUNDLED_CONFIG,
        "--simulate",
        "--limit",
        bad,
        "--out",
        "o",
      ]);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `evalgate run: --limit takes a whole number of at least 1 (digits only), got "${bad}"\n`,
      );
    }
    expect(existsSync(temp.path("o"))).toBe(false);
  });
});

describe("merge", () => {
  it("refuses the same shard folder named twice (exit 2) instead of doubling its planned count", async () => {
    temp = await tempDir();
    for (const shard of ["1/2", "2/2"]) {
      const out = `s${shard[0]}`;
      const argv = tiny(out, "--shard", shard);
      argv[argv.indexOf("1", argv.indexOf("--limit"))] = "4";
      expect((await run(argv)).code).toBe(0);
    }
    const twice = await run(["merge", "s1", "./s1/", "s2", "--out", "m"]);
    expect(twice.code).toBe(2);
    expect(twice.err).toBe(
      `evalgate merge: ${temp.path("s1")} is the same folder as ${temp.path("s1")}; name each shard folder once\n`,
    );
    await run(["merge", "s1", "s2", "--out", "ok"]).then((r) => expect(r.code).toBe(0));
    // A copy of a shard folder is the same run.
    spawnSync("cp", ["-r", temp.path("s1"), temp.path("s1-copy")]);
    const copy = await run(["merge", "s1", "s1-copy", "s2", "--out", "m2"]);
    expect(copy.code).toBe(2);
    expect(copy.err).toMatch(
      /^evalgate merge: \S+\/s1-copy holds the same run as \S+\/s1 \(run .+, shard 1\/2\); name each shard once\n$/,
    );
  });
});

describe("simulate", () => {
  it("a port in use says so and how to pick another", async () => {
    temp = await tempDir();
    const server = createServer();
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await run(["simulate", "--port", String(port), "--config", BUNDLED_CONFIG], ROOT);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `evalgate simulate: port ${port} is in use; pick another with --port (0 picks a free one)\n`,
      );
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});

describe("report and resume", () => {
  it("report on an interrupted run says on stderr why it exits 3", async () => {
    temp = await tempDir();
    const argv = tiny("r");
    argv[argv.indexOf("1", argv.indexOf("--limit"))] = "3";
    expect((await run(argv)).code).toBe(0);
    const journal = temp.path("r", "journal.jsonl");
    const lines = readFileSync(journal, "utf8").split("\n");
    await writeFile(journal, `${lines[0]}\n`); // as if killed after the first cell
    const r = await run(["report", "r"]);
    expect(r.code).toBe(3);
    expect(r.err).toBe(
      "evalgate report: the run in r is incomplete (2 planned cell(s) have no record, e.g. it was interrupted); finish it with: evalgate run --resume r\n",
    );
    const json = await run(["report", "r", "--json"]);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.out)).toMatchObject({
      exitCode: 3,
      complete: false,
      outDir: temp.path("r"),
    });
  });

  it("--resume of a moved project names the missing configuration", async () => {
    temp = await tempDir();
    const entry = await writeRunConfig(temp.path("project"), {
      suites:
        "  s:\n    features: [code_generations]\n    models: [mistral-7b-vllm]\n    limit: 1\n",
    });
    expect(
      (await run(["run", "--config", entry, "--simulate", "--no-cache", "--quiet", "--out", "r"]))
        .code,
    ).toBe(0);
    await rename(temp.path("project"), temp.path("moved"));
    const r = await run(["run", "--resume", "r", "--no-cache", "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `evalgate run: cannot resume ${temp.path("r")}: its run.json names the configuration ${entry}, which is not there (was the project moved?); resume from the original location, or start a new run\n`,
    );
  });

  it("an output folder that cannot be written is a clear usage error, not ENOENT", async () => {
    temp = await tempDir();
    // root writes through file modes, so as root use a folder the kernel refuses files in.
    let out = temp.path("read-only");
    if (process.getuid?.() === 0) {
      out = "/sys/kernel";
      if (!existsSync(out) || !statSync(out).isDirectory()) return;
    } else {
      await writeText(join(out, ".keep"), "");
      chmodSync(out, 0o555);
    }
    const r = await run([
      "run",
      "--config",
      BUNDLED_CONFIG,
      "--simulate",
      "--limit",
      "1",
      "--no-cache",
      "--quiet",
      "--out",
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(
        `^evalgate run: cannot write to the output folder ${out} \\((EACCES|EPERM|EROFS|ENOENT): read-only or no permission\\); choose another --out\\n$`,
      ),
    );
  });
});

describe("retry-errors", () => {
  it("reruns only the cells that ended in error; the journal keeps one record per cell", async () => {
    temp = await tempDir();
    const endpoint = "http://vllm.invalid:8000/v1";
    const entry = await writeRunConfig(temp.dir, {
      models: `models:
${vllmModel("alpha-vllm", "mistral", endpoint)}
${vllmModel("beta-vllm", "codestral", endpoint)}
${vllmModel("judge-vllm", "gpt", endpoint, ["role: judge"])}
`,
      judge: "judge-vllm",
      suites:
        "  s:\n    features: [code_generations]\n    models: [alpha-vllm, beta-vllm]\n    limit: 3\n",
    });
    const profile = temp.path("profile.yaml");
    const clean =
      "defaults: { latency_ms: 1, jitter_ms: 1 }\nmodels:\n  judge-vllm: { role: judge, quality: 0.95 }\n";
    // beta's every call is over its context window: an error, not retried, not a breaker failure.
    await writeText(profile, `${clean}  beta-vllm: { context_window: 1 }\n`);
    const first = await run([
      "run",
      "--config",
      entry,
      "--simulate-profile",
      profile,
      "--quiet",
      "--out",
      "r",
      "--cache-dir",
      "c",
    ]);
    const before = readRecords(temp.path("r"));
    expect(before).toHaveLength(6);
    const errors = before.filter((rec) => rec.status === "error");
    expect(errors.map((rec) => rec.model)).toEqual(["beta-vllm", "beta-vllm", "beta-vllm"]);
    expect(first.code).toBe(3);
    expect(first.err).toContain(
      "then run again with: evalgate retry-errors r (calls that succeeded are replayed from the cache)\n",
    );

    // A changed configuration refuses the resume before a single record is dropped.
    const journalText = readFileSync(temp.path("r", "journal.jsonl"), "utf8");
    const modelsFile = temp.path("models.yaml");
    const modelsText = readFileSync(modelsFile, "utf8");
    await writeFile(
      modelsFile,
      modelsText.replace(
        "identifier: custom_openai/test/alpha-vllm",
        "identifier: custom_openai/test/alpha-v2",
      ),
    );
    const refused = await run(["retry-errors", "r", "--cache-dir", "c", "--quiet"]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /^evalgate retry-errors: cannot resume .+: the configuration, prompts or datasets changed/,
    );
    expect(readFileSync(temp.path("r", "journal.jsonl"), "utf8")).toBe(journalText);
    await writeFile(modelsFile, modelsText);

    await writeText(profile, clean);
    const again = await run(["retry-errors", "r", "--cache-dir", "c"]);
    expect(again.err).toContain("evalgate retry-errors: 3 cell(s) that ended in error ran again\n");
    expect(again.code).toBe(0);
    const after = readRecords(temp.path("r"));
    expect(after).toHaveLength(6);
    expect(new Set(after.map((rec) => rec.cellId)).size).toBe(6);
    expect(after.every((rec) => rec.status === "scored")).toBe(true);
    // The alpha records were kept as they were, not rerun.
    const alpha = (rs: typeof before) => rs.filter((rec) => rec.model === "alpha-vllm");
    expect(alpha(after)).toEqual(alpha(before));
  });
});
