import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UserError } from "../core/errors.js";

/**
 * Where an entry file may sit relative to a directory, in the order they are tried there:
 * at the top of a repository, in the `evalgate/` folder `evalgate init` writes, or in a
 * `config/` folder (this repository's bundled demo).
 */
export const CONFIG_FILE_PLACES = [
  "evalgate.yaml",
  join("evalgate", "evalgate.yaml"),
  join("config", "evalgate.yaml"),
] as const;

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/**
 * The entry file a command uses: `--config` when given (resolved against `cwd`), else the
 * first of CONFIG_FILE_PLACES found in `cwd` or the nearest directory above it, so a command
 * run from a repository's subfolder finds the repository's config as git finds `.git`.
 */
export function findConfigFile(cwd: string, given?: string): string {
  if (given !== undefined) return resolve(cwd, given);
  const looked: string[] = [];
  let dir = resolve(cwd);
  for (;;) {
    for (const place of CONFIG_FILE_PLACES) {
      const candidate = join(dir, place);
      if (isFile(candidate)) return candidate;
      looked.push(candidate);
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const shown = looked.length > 9 ? [...looked.slice(0, 9), "…"] : looked;
  throw new UserError(
    `no evalgate configuration found; looked for ${CONFIG_FILE_PLACES.join(", ")} in ${resolve(cwd)} and every folder above it:\n    ${shown.join("\n    ")}\nRun \`evalgate init\` to create evalgate/evalgate.yaml here, or pass --config FILE`,
  );
}
