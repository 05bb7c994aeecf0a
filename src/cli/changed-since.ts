/**
 * `run --changed-since REF`: which of a suite's features a change touches. A feature depends
 * on its prompt definitions (every family and version of its prompt id), the partials they
 * include, its dataset and its evaluator; the entry, models and features files touch every
 * feature. Changed files are git's: `git diff --name-only REF...HEAD` (what the branch did
 * since it left REF), plus uncommitted and untracked files.
 */
import { execFileSync } from "node:child_process";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { FeatureSettings } from "../catalog/index.js";
import type { LoadedConfig } from "../config/index.js";
import { UserError } from "../core/errors.js";
import { loadPromptRegistry, promptSourceFiles } from "../prompts/index.js";

export interface ChangedFeature {
  feature: string;
  /** Each changed file (relative to the repository root) and why it counts. */
  because: { file: string; why: string }[];
}

export interface ChangedSince {
  ref: string;
  /** The repository root the paths are relative to. */
  root: string;
  changedFiles: string[];
  features: ChangedFeature[];
  /** Features of the suite that nothing changed for. */
  unchanged: string[];
  /** Computed includes whose whole folder counts, said once each. */
  notes: string[];
}

class GitFailed extends Error {}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync("git", ["-c", "core.quotepath=off", ...args], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    if (e.code === "ENOENT") {
      throw new UserError("--changed-since needs git on the PATH; install git or drop the flag");
    }
    throw new GitFailed((e.stderr ?? "").trim() || (err as Error).message);
  }
}

function gitOrExplain(args: string[], cwd: string, explain: (message: string) => string): string {
  try {
    return git(args, cwd);
  } catch (err) {
    if (err instanceof GitFailed) throw new UserError(explain(err.message));
    throw err;
  }
}

/** Absolute paths of every file changed since `ref`, and the repository root. */
export function changedFilesSince(ref: string, cwd: string): { root: string; files: string[] } {
  const root = gitOrExplain(
    ["rev-parse", "--show-toplevel"],
    cwd,
    (m) => `--changed-since needs the configuration in a git repository; ${cwd}: ${m}`,
  ).trim();
  // `--end-of-options` keeps a ref that starts with `-` from being read as a flag.
  gitOrExplain(
    ["rev-parse", "--verify", "--end-of-options", `${ref}^{commit}`],
    root,
    (m) =>
      `--changed-since ${ref}: git knows no commit "${ref}" in ${root} (${m}); name a branch, tag or commit. In a GitLab merge-request pipeline, fetch the target branch first (GIT_DEPTH: 0, or git fetch origin $CI_MERGE_REQUEST_TARGET_BRANCH_NAME)`,
  );
  const run = (args: string[]) =>
    gitOrExplain(args, root, (m) => `--changed-since ${ref}: git ${args.join(" ")} failed: ${m}`)
      .split("\n")
      .filter(Boolean);
  const files = new Set([
    ...run(["diff", "--name-only", "--no-renames", "--end-of-options", `${ref}...HEAD`, "--"]),
    ...run(["diff", "--name-only", "--no-renames", "HEAD", "--"]),
    ...run(["ls-files", "--others", "--exclude-standard"]),
  ]);
  return { root, files: [...files].sort().map((f) => join(root, f)) };
}

/** Which of `features` the changed files touch, and through which file. */
export async function featuresChangedSince(
  ref: string,
  config: LoadedConfig,
  features: readonly FeatureSettings[],
): Promise<ChangedSince> {
  // The configuration's own folder: it is in the repository whatever the working directory.
  const { root, files } = changedFilesSince(ref, dirname(config.entryFile));
  const registry = await loadPromptRegistry(config.definitionsDir, {
    gatewayVersion: config.gatewayVersion,
  });
  const rel = (path: string) => relative(root, path).split(sep).join("/");
  const changed = new Set(files.map((f) => resolve(f)));
  const notes = new Set<string>();
  const shared = [config.entryFile, config.models.file, config.features.file].filter((f) =>
    changed.has(resolve(f)),
  );
  const result: ChangedFeature[] = [];
  const unchanged: string[] = [];
  for (const feature of features) {
    const because: ChangedFeature["because"] = shared.map((f) => ({
      file: rel(f),
      why: "configuration every feature reads",
    }));
    for (const source of promptSourceFiles(registry, feature.promptId)) {
      const isFolder = source.path.endsWith(sep);
      const hits = isFolder ? files.filter((f) => f.startsWith(source.path)) : [];
      if (isFolder && hits.length > 0) {
        notes.add(`${rel(source.path)}/ counts whole: ${source.via}`);
      }
      if (!isFolder && changed.has(source.path)) hits.push(source.path);
      for (const hit of hits) {
        const why =
          source.via === "definition"
            ? `prompt definition of ${feature.promptId}`
            : isFolder
              ? `under ${rel(source.path)}/, which a computed include of ${feature.promptId} can load`
              : `partial of ${feature.promptId}, ${source.via}`;
        because.push({ file: rel(hit), why });
      }
    }
    if (feature.dataset && changed.has(resolve(feature.dataset))) {
      because.push({ file: rel(feature.dataset), why: "dataset" });
    }
    const evaluator = feature.evaluator ? config.evaluators.get(feature.evaluator) : undefined;
    if (evaluator && changed.has(resolve(evaluator.file))) {
      because.push({ file: rel(evaluator.file), why: `evaluator ${feature.evaluator}` });
    }
    if (because.length > 0) result.push({ feature: feature.id, because: dedupe(because) });
    else unchanged.push(feature.id);
  }
  return {
    ref,
    root,
    changedFiles: files.map(rel),
    features: result,
    unchanged,
    notes: [...notes],
  };
}

function dedupe(list: ChangedFeature["because"]): ChangedFeature["because"] {
  const seen = new Set<string>();
  return list.filter((b) => !seen.has(b.file) && seen.add(b.file));
}

/** The lines `run` prints: each selected feature with its files, then what was left out. */
export function describeChangedSince(changes: ChangedSince): string {
  const lines = [
    `evalgate run: --changed-since ${changes.ref}: ${changes.changedFiles.length} changed file(s), ${changes.features.length} feature(s) to evaluate`,
  ];
  for (const f of changes.features) {
    for (const b of f.because) lines.push(`  ${f.feature} ← ${b.file} (${b.why})`);
  }
  for (const note of changes.notes) lines.push(`  note: ${note}`);
  if (changes.unchanged.length > 0) {
    lines.push(`  unchanged, not evaluated: ${changes.unchanged.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}
