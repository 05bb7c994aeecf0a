/**
 * Reads a definitions folder's shape (which prompt ids, families and versions exist) without
 * parsing any definition: parsing is deferred to `resolve`, so one broken file does not stop
 * the other prompts from being listed or used.
 *
 *   <prompt_id>/<family>/<semver>.yml   versioned layout (prompt_id may contain slashes)
 *   <prompt_id>/<family>.yml            older layout: counts as version 1.0.0 of the family
 *   **\/*.jinja                          partials; never prompts
 */
import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { UserError } from "../core/errors.js";
import { isVersionName } from "./version-constraints.js";

/** The version an older-layout `<family>.yml` file stands for in version resolution. */
export const OLDER_LAYOUT_VERSION = "1.0.0";

/** One family of one prompt: every definition file, by version. */
export interface FamilyLayout {
  family: string;
  /** version -> definition files (relative to the root, `/`-separated). More than one is ambiguous. */
  versions: Map<string, string[]>;
  /** The older-layout `<family>.yml`, when there is one (it is also listed under 1.0.0). */
  olderLayoutFile?: string;
}

export interface DefinitionsLayout {
  root: string;
  /** prompt id -> family -> layout. */
  prompts: Map<string, Map<string, FamilyLayout>>;
}

function isYaml(name: string): boolean {
  return name.endsWith(".yml") || name.endsWith(".yaml");
}

function stripYamlExtension(name: string): string {
  return name.replace(/\.ya?ml$/, "");
}

function entryDir(entry: Dirent): string {
  // `parentPath` is the current name; `path` the deprecated one older Node 20 releases have.
  const withParent = entry as Dirent & { parentPath?: string; path?: string };
  return withParent.parentPath ?? withParent.path ?? "";
}

/** Place one YAML file (path relative to the root, `/`-separated) in the layout. */
export function classifyDefinitionFile(
  relPath: string,
): { promptId: string; family: string; version: string; versioned: boolean } | undefined {
  const parts = relPath.split("/");
  const base = stripYamlExtension(parts[parts.length - 1]!);
  const folders = parts.slice(0, -1);
  if (isVersionName(base)) {
    // <prompt_id>/<family>/<version>.yml: needs at least one folder for the id and one for the family.
    if (folders.length < 2) return undefined;
    return {
      promptId: folders.slice(0, -1).join("/"),
      family: folders[folders.length - 1]!,
      version: base,
      versioned: true,
    };
  }
  // A YAML file at the root has no prompt id; it is not a definition.
  if (folders.length < 1) return undefined;
  return {
    promptId: folders.join("/"),
    family: base,
    version: OLDER_LAYOUT_VERSION,
    versioned: false,
  };
}

/** Scan `definitionsDir` recursively. A missing or non-folder path is a UserError naming it. */
export async function scanDefinitions(definitionsDir: string): Promise<DefinitionsLayout> {
  const root = resolve(definitionsDir);
  let isDir = false;
  try {
    isDir = (await stat(root)).isDirectory();
  } catch {
    throw new UserError(
      "prompt definitions folder not found; pass the folder that holds <prompt_id>/<family>/<version>.yml files (e.g. --definitions config/prompts)",
      { file: definitionsDir },
    );
  }
  if (!isDir) {
    throw new UserError("expected a prompt definitions folder but this is a file", {
      file: definitionsDir,
    });
  }
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const prompts = new Map<string, Map<string, FamilyLayout>>();
  for (const entry of entries) {
    if (!entry.isFile() || !isYaml(entry.name)) continue;
    const relPath = relative(root, resolve(entryDir(entry), entry.name))
      .split(sep)
      .join("/");
    const placed = classifyDefinitionFile(relPath);
    if (!placed) continue;
    let families = prompts.get(placed.promptId);
    if (!families) {
      families = new Map();
      prompts.set(placed.promptId, families);
    }
    let family = families.get(placed.family);
    if (!family) {
      family = { family: placed.family, versions: new Map() };
      families.set(placed.family, family);
    }
    if (!placed.versioned) family.olderLayoutFile = relPath;
    const files = family.versions.get(placed.version) ?? [];
    files.push(relPath);
    files.sort();
    family.versions.set(placed.version, files);
  }
  return { root, prompts };
}
