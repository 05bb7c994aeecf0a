/**
 * The code as users run it: src compiled with tsconfig.build.json into a temporary folder (so
 * the repository's dist/ is never touched and never stale). `compileCli` runs its CLI with
 * plain `node` and a preload that reports the process's RSS high-water mark when it exits;
 * harness-run.ts imports its modules.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PRELOAD = fileURLToPath(new URL("./report-peak-rss.mjs", import.meta.url));

export interface CompiledCli {
  /** Runs `evalgate <args>`; resolves with its exit code, stderr and peak memory. */
  run(args: string[]): Promise<CliProcessResult>;
  cleanup(): Promise<void>;
}

export interface CliProcessResult {
  exitCode: number;
  wallMs: number;
  maxRssKb: number;
  vmHwmKb: number | null;
  stderr: string;
}

export interface CompiledSources {
  /** The compiled `src`: `<distDir>/cli/main.js`, `<distDir>/runner/index.js`, … */
  distDir: string;
  cleanup(): Promise<void>;
}

/**
 * `src` compiled with tsconfig.build.json (as `npm run build` does) into a temp folder, with
 * the repository's node_modules and package.json next to it so imports resolve as in dist/.
 */
export async function compileSources(): Promise<CompiledSources> {
  const dir = await mkdtemp(join(tmpdir(), "evalgate-bench-build-"));
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
  await copyFile(join(ROOT, "package.json"), join(dir, "package.json"));
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  await run(process.execPath, [
    tsc,
    "-p",
    join(ROOT, "tsconfig.build.json"),
    "--outDir",
    join(dir, "dist"),
    "--sourceMap",
    "false",
  ]);
  return {
    distDir: join(dir, "dist"),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function compileCli(): Promise<CompiledCli> {
  const build = await compileSources();
  const dir = dirname(build.distDir);
  const main = join(dir, "dist/cli/main.js");
  return {
    async run(args) {
      const rssFile = join(dir, `rss-${Date.now()}.json`);
      const started = performance.now();
      let stderr = "";
      let exitCode = 0;
      try {
        ({ stderr } = await run(process.execPath, ["--import", PRELOAD, main, ...args], {
          env: { ...process.env, EVALGATE_BENCH_RSS_FILE: rssFile },
          maxBuffer: 16 << 20,
          timeout: 15 * 60_000,
        }));
      } catch (err) {
        const failed = err as { code?: number; stderr?: string };
        exitCode = typeof failed.code === "number" ? failed.code : 1;
        stderr = failed.stderr ?? String(err);
      }
      const wallMs = performance.now() - started;
      const peak = JSON.parse(await readFile(rssFile, "utf8")) as {
        maxRssKb: number;
        vmHwmKb: number | null;
      };
      return { exitCode, wallMs, stderr, ...peak };
    },
    cleanup: build.cleanup,
  };
}
