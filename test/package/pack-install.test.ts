/**
 * Slow test (about 30 s): the whole adoption path from the packed tarball, as a team would
 * take it in its own repository. `npm pack`, install into an empty project, `evalgate init`,
 * `run --simulate`, `validate`, and the library entry from an .mjs file. It tests dist/ as
 * built by `npm test`'s pretest step, so run `npm run build` first when calling vitest alone.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
const SLOW = 120_000;

let dir: string;
let project: string;
let tarball: string;

/** Only what npm and node need: no keys, no CI variables, no npm_config_* of the parent npm. */
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_EC2_METADATA_DISABLED: "true",
  npm_config_update_notifier: "false",
};

async function npx(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("npx", ["--no-install", "evalgate", ...args], {
      cwd: project,
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/**
 * npm's cache holds every dependency's tarball after `npm ci`, but not the registry's version
 * lists, so `--offline` cannot resolve ranges. A lockfile made from this repository's (its
 * production entries, at the same hoisted paths) lets npm install exactly those versions from
 * the cache, with nothing fetched.
 */
async function writeProjectFiles(tarballName: string): Promise<void> {
  const lock = JSON.parse(await readFile(join(ROOT, "package-lock.json"), "utf8"));
  const self = lock.packages[""];
  const spec = `file:../${tarballName}`;
  const packages: Record<string, unknown> = {
    "": { name: "adopter", version: "1.0.0", devDependencies: { evalgate: spec } },
    "node_modules/evalgate": {
      version: self.version,
      resolved: spec,
      dev: true,
      license: self.license,
      dependencies: self.dependencies,
      bin: self.bin,
      engines: self.engines,
    },
  };
  for (const [path, entry] of Object.entries<Record<string, unknown>>(lock.packages)) {
    if (path === "" || entry.dev || entry.link) continue;
    packages[path] = { ...entry, dev: true };
  }
  const manifest = { name: "adopter", version: "1.0.0", private: true, type: "module" };
  await writeFile(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const lockfile = {
    name: "adopter",
    version: "1.0.0",
    lockfileVersion: 3,
    requires: true,
    packages,
  };
  await writeFile(join(project, "package-lock.json"), `${JSON.stringify(lockfile, null, 2)}\n`);
}

beforeAll(async () => {
  if (
    !existsSync(join(ROOT, "dist", "cli", "main.js")) ||
    !existsSync(join(ROOT, "dist", "index.js"))
  )
    throw new Error("dist/ is missing: run `npm run build` (npm test does it) before this test");
  dir = await mkdtemp(join(tmpdir(), "evalgate-pack-"));
  project = join(dir, "project");
  await run("mkdir", [project]);
  // dist/ is already built; --ignore-scripts skips prepack's second build.
  await run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT, env });
  const name = (await readdir(dir)).find((f) => /^evalgate-.*\.tgz$/.test(f));
  if (!name) throw new Error(`npm pack wrote no evalgate-*.tgz to ${dir}`);
  tarball = name;
  await writeProjectFiles(name);
  await run("npm", ["i", "-D", `../${name}`, "--offline", "--no-audit", "--no-fund"], {
    cwd: project,
    env,
    timeout: 90_000,
  });
}, SLOW);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("slow: the packed tarball installed into an empty project", () => {
  it("ships the CLI, the library, the init templates, schemas, README and LICENSE, not the sources", async () => {
    const installed = join(project, "node_modules", "evalgate");
    const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    expect(tarball).toBe(`evalgate-${manifest.version}.tgz`);
    for (const file of [
      "dist/cli/main.js",
      "dist/index.js",
      "templates/init/evalgate/evalgate.yaml",
      "config/schemas/models.schema.json",
      "README.md",
      "LICENSE",
    ]) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    for (const absent of ["src", "test", "bench", "config/models.yaml", "datasets"]) {
      expect(existsSync(join(installed, absent)), absent).toBe(false);
    }
  });

  it(
    "init scaffolds evalgate/, refuses to overwrite it, and run --simulate and validate work offline",
    async () => {
      const installed = JSON.parse(
        await readFile(join(project, "node_modules", "evalgate", "package.json"), "utf8"),
      );
      const version = await npx(["--version"]);
      expect(version).toMatchObject({ code: 0, stdout: `${installed.version}\n` });
      const init = await npx(["init"]);
      expect(init.code).toBe(0);
      expect(init.stdout).toContain("wrote 8 files to evalgate/:");
      expect(await readFile(join(project, ".gitlab-ci.yml"), "utf8")).toContain(
        "  - local: evalgate/gitlab-ci.yml",
      );

      const again = await npx(["init"]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain("already holds 8 of the files init writes");
      expect(again.stderr).toContain("--force");

      const sim = await npx(["run", "--simulate", "--quiet"]);
      expect(sim.stderr).toBe("");
      expect(sim.code).toBe(0);
      expect(sim.stdout).toMatch(/explain_code\s+my-vllm-model\s+green\s+80\.0%/);
      const runs = (await readdir(join(project, "reports"))).filter((n) => n !== "latest");
      expect(runs).toHaveLength(1);
      expect((await readdir(join(project, "reports", runs[0]!))).sort()).toEqual([
        "gl-code-quality-report.json",
        "journal.jsonl",
        "junit.xml",
        "metrics.txt",
        "prompts.jsonl",
        "report.html",
        "run.json",
        "summary.md",
      ]);

      const validate = await npx(["validate"]);
      expect(validate.code).toBe(0);
      expect(validate.stdout).toContain(
        "valid: 1 feature × model pair(s) in 1 suite(s), 5 example render(s) checked",
      );
    },
    SLOW,
  );

  it('exposes the library entry: import { wilsonInterval } from "evalgate"', async () => {
    await writeFile(
      join(project, "probe.mjs"),
      'import { wilsonInterval } from "evalgate";\nconsole.log(JSON.stringify(wilsonInterval(8, 10)));\n',
    );
    const { stdout } = await run("node", ["probe.mjs"], { cwd: project, env });
    const { low, high } = JSON.parse(stdout) as { low: number; high: number };
    expect(low).toBeCloseTo(0.49016, 4);
    expect(high).toBeCloseTo(0.94332, 4);
  });
});
