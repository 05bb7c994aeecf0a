/**
 * Support for the end-to-end `evalgate run` tests: temp config trees that reuse the bundled
 * features, prompts, datasets and rubrics by absolute path, in-process and spawned CLI runs,
 * and journal readers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { main } from "../../src/cli/evalgate.js";
import type { CellRecord } from "../../src/core/types.js";
import { collectingIO } from "../support/cli-io.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CONFIG_DIR = join(ROOT, "config");
export const BUNDLED_CONFIG = join(CONFIG_DIR, "evalgate.yaml");
export const CLI = join(ROOT, "dist", "cli", "main.js");

/** Env for runs: nothing from the developer's shell (keys, CI_NODE_INDEX) leaks in. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  };
}

/** A temp folder removed by `cleanup()`. */
export async function tempDir(prefix = "evalgate-e2e-") {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    path: (...parts: string[]) => join(dir, ...parts),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
export type TempDir = Awaited<ReturnType<typeof tempDir>>;

export async function writeText(file: string, text: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

/**
 * The bundled simulator profile with every latency and jitter set to zero, written to
 * `file`. Answers do not depend on latency (every draw is seeded by what the request is
 * about), so a run with it gives the bundled demo's results in a fraction of the time.
 */
export async function zeroLatencyProfile(file: string): Promise<string> {
  const profile = parseYaml(await readFile(join(CONFIG_DIR, "simulator-profile.yaml"), "utf8"));
  for (const entry of [profile.defaults, ...Object.values(profile.models ?? {})]) {
    Object.assign(entry as object, { latency_ms: 0, jitter_ms: 0 });
  }
  return writeText(file, stringifyYaml(profile));
}

export interface RunConfigFiles {
  /** models.yaml text; default: the bundled catalog. */
  models?: string;
  /** `suites:` block body (indented two spaces per suite). */
  suites: string;
  judge?: string;
  /** Extra top-level YAML (e.g. a `gateway:` section). */
  extra?: string;
}

/**
 * Writes `<dir>/evalgate.yaml` (and models.yaml when given) pointing at the bundled features,
 * prompts and evaluators by absolute path. Returns the entry file.
 */
export async function writeRunConfig(dir: string, files: RunConfigFiles): Promise<string> {
  const modelsFile = files.models
    ? await writeText(join(dir, "models.yaml"), files.models)
    : join(CONFIG_DIR, "models.yaml");
  const entry = `models: ${modelsFile}
features: ${join(CONFIG_DIR, "features.yaml")}
definitions: ${join(CONFIG_DIR, "prompts")}
evaluators: ${join(ROOT, "evaluators")}
judge: ${files.judge ?? "claude-3-5-sonnet-judge"}
default_suite: ${/^ {2}([\w-]+):/m.exec(files.suites)?.[1] ?? "main"}
${files.extra ?? ""}
suites:
${files.suites}`;
  return writeText(join(dir, "evalgate.yaml"), entry);
}

/** One vLLM-style catalog entry; `extra` lines go in verbatim (4-space indent). */
export function vllmModel(
  name: string,
  family: string,
  endpoint: string,
  extra: string[] = [],
): string {
  return [
    `  - name: ${name}`,
    `    family: ${family}`,
    `    identifier: custom_openai/test/${name}`,
    `    endpoint: ${endpoint}`,
    ...extra.map((line) => `    ${line}`),
  ].join("\n");
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** `evalgate <argv>` in-process. */
export async function runInProcess(
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
): Promise<CliResult> {
  const io = collectingIO(cwd, env);
  const code = await main(argv, io.io);
  return { code, out: io.out(), err: io.err() };
}

export interface SpawnedCli {
  child: ChildProcess;
  output(): { out: string; err: string };
  /** Resolves with the exit code (or 128+signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node dist/cli/main.js <argv>` as a real process (for signals). */
export function spawnCli(argv: string[], cwd: string, env = cleanEnv()): SpawnedCli {
  const child = spawn(process.execPath, [CLI, ...argv], { cwd, env, stdio: "pipe" });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("close", (code, signal) => done({ code, signal })),
  );
  return { child, output: () => ({ out, err }), exited };
}

/** Every complete journal record (a torn last line is ignored, as evalgate does). */
export function readRecords(outDir: string): CellRecord[] {
  const text = readFileSync(join(outDir, "journal.jsonl"), "utf8");
  const lines = text.split("\n");
  lines.pop(); // "" after the last newline, or a torn line
  return lines.filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as CellRecord);
}

/** run.json as parsed JSON; the tests check its fields one by one. */
// biome-ignore lint/suspicious/noExplicitAny: the tests probe run.json's documented fields
export async function readManifest(outDir: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(join(outDir, "run.json"), "utf8"));
}

/** cellId → "status:score" for comparing runs. */
export function outcomesById(records: readonly CellRecord[]): Map<string, string> {
  return new Map(records.map((r) => [r.cellId, `${r.status}:${r.score ?? "-"}`]));
}

export function duplicateIds(records: readonly CellRecord[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const r of records) {
    if (seen.has(r.cellId)) dup.push(r.cellId);
    seen.add(r.cellId);
  }
  return dup;
}

/** A JavaScript stack frame line, which users should never see. */
export const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/** A localhost port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** Deterministic pseudo-random numbers (mulberry32), for reproducible kill points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
